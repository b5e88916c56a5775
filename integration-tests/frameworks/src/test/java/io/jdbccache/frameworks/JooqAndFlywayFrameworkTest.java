package io.jdbccache.frameworks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.table;

import com.zaxxer.hikari.HikariDataSource;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.conf.Settings;
import org.jooq.conf.StatementType;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * jOOQ with bound and inlined values, and Flyway migrating through the cached pool, including a later DDL migration
 * that must invalidate what was read before it.
 */
class JooqAndFlywayFrameworkTest {
    private static final String CACHE = "jooq-flyway";
    private static final String DATABASE = "jdbc_cache_fw_jooq";
    private static HikariDataSource pool;

    @BeforeAll
    static void migrate() {
        pool = FrameworkDatabase.migratedPool(DATABASE, CACHE, 2);
    }

    @AfterAll
    static void close() {
        pool.close();
    }

    @Test
    void boundAndInlinedValuesHitAndWritesAreSeen() {
        DSLContext bound = DSL.using(pool, SQLDialect.POSTGRES);
        DSLContext inlined = DSL.using(pool, SQLDialect.POSTGRES,
                new Settings().withStatementType(StatementType.STATIC_STATEMENT));
        assertThat(FrameworkDatabase.executionsOfRepeat(() -> assertThat(bound.select(field("name", String.class))
                .from(table("products")).where(field("id").eq(3)).fetchOne(0, String.class)).isEqualTo("plum")))
                .as("bound, second time").isZero();
        assertThat(FrameworkDatabase.executionsOfRepeat(() -> assertThat(inlined.select(field("name", String.class))
                .from(table("products")).where(field("id").eq(3)).fetchOne(0, String.class)).isEqualTo("plum")))
                .as("inlined, second time").isZero();
        assertThat(FrameworkDatabase.executionsOfRepeat(() -> assertThat(bound.select(field("p.name", String.class))
                .from(table("products").as("p")).join(table("categories").as("c"))
                .on(field("p.category_id").eq(field("c.id"))).where(field("c.title").eq("vegetables"))
                .orderBy(field("p.id")).limit(1).offset(1).fetch(0, String.class)).containsExactly("kale")))
                .as("a join with limit and offset, second time").isZero();

        bound.update(table("products")).set(field("name"), "damson").where(field("id").eq(3)).execute();
        assertThat(bound.select(field("name", String.class)).from(table("products")).where(field("id").eq(3))
                .fetchOne(0, String.class)).isEqualTo("damson");
        assertThat(inlined.select(field("name", String.class)).from(table("products")).where(field("id").eq(3))
                .fetchOne(0, String.class)).isEqualTo("damson");
        inlined.update(table("products")).set(field("name"), "plum").where(field("id").eq(3)).execute();
        assertThat(bound.select(field("name", String.class)).from(table("products")).where(field("id").eq(3))
                .fetchOne(0, String.class)).isEqualTo("plum");
    }

    @Test
    void aLaterDdlMigrationInvalidatesWhatWasReadBeforeIt() {
        DSLContext db = DSL.using(pool, SQLDialect.POSTGRES);
        List<Integer> before = db.select(field("price", Integer.class)).from(table("products"))
                .orderBy(field("id")).fetch(0, Integer.class);
        db.select(field("price", Integer.class)).from(table("products")).orderBy(field("id")).fetch(0, Integer.class);
        Flyway.configure().dataSource(pool).locations("classpath:db/migration", "classpath:db/later").load().migrate();
        List<Integer> after = db.select(field("price", Integer.class)).from(table("products")).orderBy(field("id"))
                .fetch(0, Integer.class);
        assertThat(after).hasSameSizeAs(before);
        for (int i = 0; i < after.size(); i++) {
            assertThat(after.get(i)).as("price of row " + i + " after V3").isEqualTo(before.get(i) - 1);
        }
        assertThat(db.select(field("discount", Integer.class)).from(table("products")).where(field("id").eq(1))
                .fetchOne(0, Integer.class)).as("the column V3 added").isZero();
    }
}
