package io.jdbccache.it;

import static io.jdbccache.it.RawThenCached.controlThenCached;
import static io.jdbccache.it.TestDb.scalar;
import static io.jdbccache.it.TestDb.update;
import static org.assertj.core.api.Assertions.assertThat;

import io.jdbccache.CachingDriver;
import io.jdbccache.internal.jmx.JmxExporter;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import javax.management.ObjectName;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * However a connection ends, it releases what it held: {@code abort()} (a pool shutting down with connections in
 * use) does the bookkeeping of {@code close()}, uncommitted writes and all (on PostgreSQL: H2's embedded connection
 * ignores {@code abort()}); a statement run after its connection closed leaves nothing behind; connections opened
 * before and after the driver is deregistered and registered again share one cache. What only the cache can show (a
 * write still counted as uncommitted keeps its tables from being stored, a cache outliving its connections) is
 * checked through the cache; the rest runs first on raw connections, then through the cache.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Database.class)
class ConnectionLifecycleTest {
    private static final String[] ITEMS = {
        "CREATE TABLE items (id INT PRIMARY KEY, v INT)", "INSERT INTO items VALUES (1, 1)"};
    private static final String ITEM = "SELECT v FROM items WHERE id = 1";
    private static final String ABORT_IGNORED = "H2's embedded connection ignores abort() and stays open";

    @Parameter
    Database database;

    @Test
    void abortingAConnectionReleasesItsUncommittedWritesAndItsShareOfTheCache() throws Exception {
        Assumptions.assumeTrue(database == Database.POSTGRESQL, ABORT_IGNORED);
        try (TestDb db = TestDb.open(database)) {
            db.setup(ITEMS);
            Connection keeper = db.cached();
            Connection aborted = DriverManager.getConnection(db.cachedUrl);
            aborted.setAutoCommit(false);
            update(aborted, "UPDATE items SET v = 2 WHERE id = 1");
            aborted.abort(Runnable::run); // e.g. HikariCP shutting down with connections in use
            assertThat(aborted.isClosed()).isTrue(); // the database rolled the transaction back
            assertThat(scalar(keeper, ITEM)).isEqualTo(1);
            TestDb.resetExecutions();
            assertThat(scalar(keeper, ITEM)).isEqualTo(1);
            assertThat(TestDb.executions()).as("second identical read after the aborted transaction ended: a hit")
                    .isZero();
            keeper.close();
            assertThat(CachingDriver.statistics(db.cacheName)).as("cache dropped after its last connection closed")
                    .isEmpty();
        }
    }

    @Test
    void abortingTheOnlyConnectionDropsTheCacheAndItsBean() throws Exception {
        Assumptions.assumeTrue(database == Database.POSTGRESQL, ABORT_IGNORED);
        try (TestDb db = TestDb.open(database)) {
            Connection only = DriverManager.getConnection(db.cachedUrl);
            only.abort(Runnable::run);
            assertThat(only.isClosed()).isTrue();
            assertThat(CachingDriver.statistics(db.cacheName)).as("cache of a name with no open connection")
                    .isEmpty();
            JmxExporter.INSTANCE.awaitRegistrations();
            assertThat(ManagementFactory.getPlatformMBeanServer()
                    .isRegistered(new ObjectName("io.jdbccache:type=Cache,name=" + db.cacheName)))
                    .as("bean of a cache with no open connection").isFalse();
        }
    }

    @Test
    void aWriteOnAStatementOfAClosedConnectionLeavesNoUncommittedWrite() throws Exception {
        try (TestDb db = TestDb.open(database)) {
            db.setup(ITEMS);
            Connection reader = db.cached();
            Connection closed = DriverManager.getConnection(db.cachedUrl);
            closed.setAutoCommit(false);
            Statement statement = closed.createStatement();
            closed.close(); // e.g. a pool closing an abandoned connection while its thread goes on
            try {
                statement.executeUpdate("UPDATE items SET v = 2 WHERE id = 1");
            } catch (SQLException expected) {
                // the connection is closed
            }
            assertThat(scalar(reader, ITEM)).isEqualTo(1);
            TestDb.resetExecutions();
            assertThat(scalar(reader, ITEM)).isEqualTo(1);
            assertThat(TestDb.executions()).as("second identical read, nothing written: a hit").isZero();
        }
    }

    @Test
    void connectionsOpenedAcrossADeregisterShareOneCache() throws Exception {
        controlThenCached(database, ITEMS, (db, src) -> {
            Connection old = src.get();
            CachingDriver.deregister(); // e.g. a container's redeploy hook, or a library re-registering
            CachingDriver.register();
            Connection fresh = src.get();
            assertThat(scalar(fresh, ITEM)).isEqualTo(1);
            update(old, "UPDATE items SET v = 2 WHERE id = 1");
            assertThat(scalar(fresh, ITEM)).as("after an UPDATE through a connection of the same cache name")
                    .isEqualTo(2);
        });
    }
}
