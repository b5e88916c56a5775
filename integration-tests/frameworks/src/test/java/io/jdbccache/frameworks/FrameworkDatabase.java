package io.jdbccache.frameworks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.jdbccache.CacheStatistics;
import io.jdbccache.CachingDriver;
import io.jdbccache.testing.CountingDriver;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.cfg.Configuration;

/**
 * A PostgreSQL database of the framework tests' own, made afresh by each test class, and the URLs to reach it: plain
 * pgjdbc, and jdbc-cache over the counting driver, which counts every statement that reaches PostgreSQL. PostgreSQL
 * must be running (127.0.0.1:5432, user postgres): without it the tests fail, they never skip.
 */
final class FrameworkDatabase {
    static final String HOST = "127.0.0.1:5432";

    private FrameworkDatabase() {
    }

    /** Drops and creates database {@code name}; returns it. */
    static String create(String name) {
        CountingDriver.register();
        try (Connection admin = DriverManager.getConnection("jdbc:postgresql://" + HOST + "/postgres", "postgres", "");
                Statement statement = admin.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL must run on " + HOST + " for the framework tests", e);
        }
        return name;
    }

    /** jdbc-cache over the counting driver, with cache {@code cacheName}. */
    static String cachedUrl(String database, String cacheName) {
        return "jdbc:cache:counting:postgresql://" + HOST + "/" + database + "?user=postgres&cache.name=" + cacheName;
    }

    static String rawUrl(String database) {
        return "jdbc:postgresql://" + HOST + "/" + database + "?user=postgres";
    }

    /** Statements that reached PostgreSQL through cached connections so far (all caches, all databases). */
    static long executions() {
        return CountingDriver.executions();
    }

    /**
     * A HikariCP pool of {@code size} cached connections to a fresh database {@code database}, migrated by Flyway
     * through the pool to the schema and data of {@code db/migration}.
     */
    static HikariDataSource migratedPool(String database, String cacheName, int size) {
        create(database);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(cachedUrl(database, cacheName));
        config.setDriverClassName("io.jdbccache.CachingDriver");
        config.setMaximumPoolSize(size);
        HikariDataSource pool = new HikariDataSource(config);
        Flyway.configure().dataSource(pool).locations("classpath:db/migration").load().migrate();
        return pool;
    }

    /** Hibernate over {@code pool}, with its second-level and query caches off, mapping the shop's entities. */
    static SessionFactory hibernate(DataSource pool) {
        Configuration configuration = new Configuration().addAnnotatedClass(Product.class)
                .addAnnotatedClass(Category.class);
        configuration.getProperties().put(AvailableSettings.JAKARTA_NON_JTA_DATASOURCE, pool);
        configuration.setProperty(AvailableSettings.USE_SECOND_LEVEL_CACHE, "false");
        configuration.setProperty(AvailableSettings.USE_QUERY_CACHE, "false");
        return configuration.buildSessionFactory();
    }

    /** Runs {@code read} once to warm it, then again: the statements the second run sent to PostgreSQL. */
    static long executionsOfRepeat(Runnable read) {
        read.run();
        long before = executions();
        read.run();
        return executions() - before;
    }

    static CacheStatistics statistics(String cacheName) {
        return CachingDriver.statistics(cacheName).orElseThrow();
    }
}
