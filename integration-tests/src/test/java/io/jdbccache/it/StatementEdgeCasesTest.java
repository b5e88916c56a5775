package io.jdbccache.it;

import static io.jdbccache.it.Differential.sameOutcomes;
import static org.assertj.core.api.Assertions.assertThat;

import io.jdbccache.CacheStatistics;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Statements at the edges of what the driver reads: identifiers PostgreSQL truncates to 63 bytes, names holding
 * dots, relations that appear earlier on a search path, casts to domains and catalog types, user overloads of
 * built-in names, clock inputs in every literal form, TABLESAMPLE, standard_conforming_strings changed earlier in
 * the same text, 20,000 EXPLAINs, JDBC escapes, several tables dropped at once. Raw and cached runs must agree
 * (PostgreSQL unless the test says H2).
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Database.class)
class StatementEdgeCasesTest {
    private static final String[] ITEMS = {
        "CREATE TABLE items (id INT PRIMARY KEY, v INT)",
        "INSERT INTO items VALUES (1, 10), (2, 20)",
    };

    @Parameter
    Database database;

    private boolean pg() {
        return database == Database.POSTGRESQL;
    }

    private CacheStatistics run(String[] fixture, Differential.Body body) throws Exception {
        return sameOutcomes(database, fixture, Map.of(), body);
    }

    /** Runs a statement on a connection the script does not manage and records what it saw. */
    static String on(Differential.Script s, Connection c, String label, String sql) {
        return s.record(label + ": " + sql, Differential.Script.outcome(() -> {
            try (Statement st = c.createStatement()) {
                return Differential.Script.describe(st, st.execute(sql));
            }
        }));
    }

    @Test
    void longIdentifiersTruncateToTheSameTable() throws Exception {
        Assumptions.assumeTrue(pg(), "PostgreSQL truncates identifiers to 63 bytes");
        String base = "t".repeat(63);
        String longer = base + "_alias_that_postgres_truncates";
        run(new String[] {"CREATE TABLE " + base + " (id INT PRIMARY KEY, v INT)",
            "INSERT INTO " + base + " VALUES (1, 10)"}, s -> {
                s.q("A", "SELECT v FROM " + base);
                s.q("A", "SELECT v FROM " + base);
                s.q("A", "UPDATE " + longer + " SET v = 11");
                s.q("A", "SELECT v FROM " + base);
                s.q("A", "INSERT INTO " + longer + " VALUES (2, 20)");
                s.q("A", "SELECT v FROM " + base + " ORDER BY id");
            });
    }

    @Test
    void longNonAsciiIdentifiersTruncateByBytes() throws Exception {
        Assumptions.assumeTrue(pg(), "PostgreSQL truncates identifiers to 63 bytes");
        String base = "\u00e9".repeat(31); // 62 bytes
        String longer = "\u00e9".repeat(40); // 80 bytes, truncated to the same 31 characters
        run(new String[] {"CREATE TABLE " + base + " (id INT PRIMARY KEY, v INT)",
            "INSERT INTO " + base + " VALUES (1, 10)"}, s -> {
                s.q("A", "SELECT v FROM " + base);
                s.q("A", "SELECT v FROM " + base);
                s.q("A", "DELETE FROM " + longer);
                s.q("A", "SELECT v FROM " + base);
            });
    }

    @Test
    void createTableEarlierOnTheSearchPathShadowsACachedRead() throws Exception {
        Assumptions.assumeTrue(pg(), "a currentSchema list in the URL is pgjdbc's");
        run(new String[] {"CREATE SCHEMA IF NOT EXISTS ${schema}_first", "CREATE TABLE items (id INT PRIMARY KEY, v INT)",
            "INSERT INTO items VALUES (1, 10)"}, s -> {
                s.session("KEEPS_THE_CACHE_OPEN");
                String url = s.url(null).replace("currentSchema=" + s.schema(),
                        "currentSchema=" + s.schema() + "_first," + s.schema());
                try (Connection c = DriverManager.getConnection(url)) {
                    on(s, c, "A", "SELECT current_schemas(false)::text");
                    on(s, c, "A", "SELECT v FROM items");
                    on(s, c, "A", "SELECT v FROM items");
                    on(s, c, "A", "CREATE TABLE " + s.schema() + "_first.items (id INT PRIMARY KEY, v INT)");
                    on(s, c, "A", "INSERT INTO " + s.schema() + "_first.items VALUES (1, 99)");
                    on(s, c, "A", "SELECT v FROM items");
                    on(s, c, "A", "DROP SCHEMA " + s.schema() + "_first CASCADE");
                }
            });
    }

    @Test
    void castToADomainRunsItsCheckFunction() throws Exception {
        Assumptions.assumeTrue(pg(), "a domain whose CHECK calls a PL/pgSQL function is PostgreSQL's");
        run(new String[] {ITEMS[0], ITEMS[1],
            "CREATE FUNCTION bump() RETURNS BOOLEAN LANGUAGE plpgsql AS $$ BEGIN UPDATE items SET v = v + 1; RETURN true; END $$",
            "CREATE DOMAIN bumping AS INT CHECK (bump())"}, s -> {
                s.q("A", "SELECT v FROM items WHERE id = 1");
                s.q("A", "SELECT 1::bumping");
                s.q("A", "SELECT v FROM items WHERE id = 1");
                s.q("A", "SELECT 1::bumping");
                s.q("A", "SELECT v FROM items WHERE id = 1");
                s.q("A", "SELECT sum(v) FROM items");
            });
    }

    @Test
    void userOverloadOfABuiltInNameIsNotTheBuiltIn() throws Exception {
        Assumptions.assumeTrue(pg(), "overloading a built-in function name is PostgreSQL's");
        run(new String[] {ITEMS[0], ITEMS[1],
            "CREATE FUNCTION abs(x TEXT) RETURNS INT LANGUAGE plpgsql AS $$ BEGIN UPDATE items SET v = v + 1; RETURN 1; END $$",
            "CREATE FUNCTION lower(x INT) RETURNS INT LANGUAGE sql AS $$ SELECT sum(v)::int FROM items $$"}, s -> {
                s.q("A", "SELECT v FROM items WHERE id = 1");
                s.q("A", "SELECT abs('x'::text)");
                s.q("A", "SELECT v FROM items WHERE id = 1");
                s.q("A", "SELECT abs('x'::text)");
                s.q("A", "SELECT v FROM items WHERE id = 1");
                s.q("A", "SELECT lower(1)");
                s.q("A", "UPDATE items SET v = 0 WHERE id = 2");
                s.q("A", "SELECT lower(1)");
            });
    }

    @Test
    void regclassCastsReadTheCatalog() throws Exception {
        Assumptions.assumeTrue(pg(), "regclass is a PostgreSQL type");
        run(ITEMS, s -> {
            s.q("A", "SELECT 'items'::regclass::text");
            s.q("A", "SELECT 'items'::regclass::text");
            s.q("A", "ALTER TABLE items RENAME TO items_renamed");
            s.q("A", "SELECT 'items'::regclass::text");
            s.q("A", "CREATE TABLE items (id INT)");
            s.q("A", "SELECT 'items'::regclass::text");
            s.q("A", "DROP TABLE items");
            s.q("A", "SELECT 'items'::regclass::text");
        });
    }


    private static String twice(Differential.Script s, String sql) {
        try {
            Connection c = s.session("A");
            String first = Differential.Script.rowsOf(c, sql);
            Thread.sleep(20);
            String second = Differential.Script.rowsOf(c, sql);
            return s.record("twice " + sql, first.equals(second) ? "same" : "different");
        } catch (SQLException | InterruptedException e) {
            throw new RuntimeException(e);
        }
    }

    @Test
    void computedClockInputsAreTheClock() throws Exception {
        Assumptions.assumeTrue(pg(), "'now' as a timestamptz input is PostgreSQL's");
        run(ITEMS, s -> {
            twice(s, "SELECT 'now'::timestamptz");
            twice(s, "SELECT ('no' || 'w')::timestamptz");
            twice(s, "SELECT U&'now'::timestamptz");
            twice(s, "SELECT $$now$$::timestamptz");
            twice(s, "SELECT E'\\156ow'::timestamptz");
            twice(s, "SELECT CAST(lower('NOW') AS timestamptz)");
            twice(s, "SELECT 'no'\n'w'::timestamptz");
        });
    }

    @Test
    void tablesampleIsNeverCached() throws Exception {
        Assumptions.assumeTrue(pg(), "TABLESAMPLE is PostgreSQL syntax");
        CacheStatistics stats = run(new String[] {"CREATE TABLE many (id INT PRIMARY KEY)",
            "INSERT INTO many SELECT generate_series(1, 2000)"}, s -> {
                for (int i = 0; i < 3; i++) {
                    s.q("A", "SELECT count(*) > 0 FROM many TABLESAMPLE SYSTEM (100)");
                    s.q("A", "SELECT count(*) > 0 FROM many TABLESAMPLE BERNOULLI (100) REPEATABLE (7)");
                }
            });
        assertThat(stats.hitCount()).isZero();
        assertThat(stats.bypassesByReason()).containsEntry("NON_DETERMINISTIC", 6L);
    }

    @Test
    void caseInsensitiveIdentifiersMakeEverySpellingOneTable() throws Exception {
        Assumptions.assumeTrue(!pg(), "CASE_INSENSITIVE_IDENTIFIERS is an H2 setting");
        run(new String[] {"CREATE TABLE \"Items\" (id INT PRIMARY KEY, v INT)", "INSERT INTO \"Items\" VALUES (1, 10)"},
                s -> {
                    String url = s.url(null) + ";CASE_INSENSITIVE_IDENTIFIERS=TRUE";
                    s.q("X", "SELECT 1");
                    try (Connection c = DriverManager.getConnection(url)) {
                        on(s, c, "A", "SELECT v FROM \"Items\"");
                        on(s, c, "A", "SELECT v FROM \"Items\"");
                        on(s, c, "A", "UPDATE items SET v = 11");
                        on(s, c, "A", "SELECT v FROM \"Items\"");
                        on(s, c, "A", "UPDATE ITEMS SET v = 12");
                        on(s, c, "A", "SELECT v FROM \"Items\"");
                    }
                });
    }

    @Test
    void aStringLaterInTheSameTextIsReadWithTheNewEscapingRules() throws Exception {
        Assumptions.assumeTrue(pg(), "standard_conforming_strings is PostgreSQL's");
        run(new String[] {ITEMS[0], ITEMS[1],
            "CREATE FUNCTION bump() RETURNS INT LANGUAGE plpgsql AS $$ BEGIN UPDATE items SET v = v + 1; RETURN 1; END $$"},
                s -> {
                    s.q("B", "SELECT v FROM items WHERE id = 1");
                    s.q("B", "SELECT v FROM items WHERE id = 1");
                    // With backslashes plain, "bump() AS y" is inside the second literal; with them escaping, it is code.
                    s.q("A", "SET standard_conforming_strings = off; SELECT 'a\\' , ' AS x, bump() AS y --'\n");
                    s.q("B", "SELECT v FROM items WHERE id = 1");
                    s.q("A", "SET standard_conforming_strings = on");
                    s.q("A", "SELECT v FROM items WHERE id = 1");
                });
    }

    @Test
    void manyExplainKeywordsAreASyntaxErrorNotACrash() throws Exception {
        run(ITEMS, s -> {
            s.q("A", "EXPLAIN ".repeat(3) + "SELECT 1");
            s.q("A", "EXPLAIN ".repeat(20_000) + "SELECT 1");
        });
    }

    @Test
    void writesThroughExecuteQuery() throws Exception {
        Assumptions.assumeTrue(pg(), "UPDATE ... RETURNING is PostgreSQL syntax");
        run(ITEMS, s -> {
            s.q("A", "SELECT v FROM items WHERE id = 1");
            s.record("executeQuery UPDATE RETURNING", Differential.Script.outcome(() -> {
                try (Statement st = s.session("A").createStatement();
                        ResultSet rs = st.executeQuery("UPDATE items SET v = 5 WHERE id = 1 RETURNING v")) {
                    return TestDb.rows(rs).toString();
                }
            }));
            s.q("A", "SELECT v FROM items WHERE id = 1");
        });
    }

    @Test
    void cascadesFromATableWithADotInItsName() throws Exception {
        run(new String[] {"CREATE TABLE \"odd.parent\" (id INT PRIMARY KEY)", "INSERT INTO \"odd.parent\" VALUES (1), (2)",
            "CREATE TABLE child (id INT PRIMARY KEY, p INT REFERENCES \"odd.parent\" ON DELETE CASCADE)",
            "INSERT INTO child VALUES (1, 1), (2, 2)"}, s -> {
                s.q("A", "SELECT count(*) FROM child");
                s.q("A", "SELECT count(*) FROM child");
                s.q("A", "DELETE FROM \"odd.parent\" WHERE id = 1");
                s.q("A", "SELECT count(*) FROM child");
                if (pg()) { // TRUNCATE ... CASCADE is PostgreSQL syntax
                    s.q("A", "TRUNCATE \"odd.parent\" CASCADE");
                    s.q("A", "SELECT count(*) FROM child");
                }
            });
    }

    @Test
    void jdbcEscapeWithATabIsNotAnEscape() throws Exception {
        Assumptions.assumeTrue(pg(), "these escapes as pgjdbc parses them, with PostgreSQL casts");
        run(ITEMS, s -> {
            s.q("A", "SELECT {d '2020-01-02'}::text");
            s.q("A", "SELECT {d\t'2020-01-02'}::text");
            s.q("A", "SELECT {d --x\n'2020-01-02'}::text");
            s.q("A", "SELECT {fn ucase('a')}");
            s.q("A", "SELECT {fn\nucase('a')}");
            s.q("A", "SELECT {fn/**/ucase('a')}");
        });
    }

    @Test
    void unicodeWhitespaceAndNestedCommentsAreReadAsTheDatabaseReadsThem() throws Exception {
        Assumptions.assumeTrue(!pg(), "H2's parser takes some of these characters as whitespace");
        run(ITEMS, s -> {
            for (String ws : new String[] {"\u2003", "\u2028", "\u3000", "\u001c", "\u000b", "\u0001", "\u00a0", "\u0085"}) {
                s.q("A", "SELECT v FROM items WHERE id = 1");
                s.q("A", "SELECT v FROM items WHERE id = 1" + ws + "OR true");
                s.q("A", "SELECT v FROM items WHERE id =" + ws + "1");
                s.q("A", "SELECT v FROM items WHERE id = 1 --" + ws + "; DELETE FROM items WHERE id = 2");
                s.q("A", "SELECT count(*) FROM items");
            }
            s.q("A", "SELECT 1 /* /* */ ; DELETE FROM items WHERE id = 2; -- */");
            s.q("A", "SELECT count(*) FROM items");
        });
    }

    @Test
    void renameOrMoveIntoAnEarlierSchemaShadowsACachedRead() throws Exception {
        Assumptions.assumeTrue(pg(), "a currentSchema list in the URL is pgjdbc's");
        run(new String[] {"CREATE SCHEMA IF NOT EXISTS ${schema}_first", "CREATE TABLE items (id INT PRIMARY KEY, v INT)",
            "INSERT INTO items VALUES (1, 10)", "CREATE TABLE ${schema}_first.staged (id INT PRIMARY KEY, v INT)",
            "INSERT INTO ${schema}_first.staged VALUES (1, 77)", "CREATE TABLE moved (id INT)", "INSERT INTO moved VALUES (5)",
            "CREATE TABLE ${schema}_first.other (id INT)"}, s -> {
                String first = s.schema() + "_first";
                String url = s.url(null).replace("currentSchema=" + s.schema(), "currentSchema=" + first + "," + s.schema());
                s.q("X", "SELECT 1");
                try (Connection c = DriverManager.getConnection(url)) {
                    on(s, c, "A", "SELECT v FROM items");
                    on(s, c, "A", "SELECT v FROM items");
                    on(s, c, "A", "ALTER TABLE " + first + ".staged RENAME TO items");
                    on(s, c, "A", "SELECT v FROM items");
                    on(s, c, "A", "SELECT count(*) FROM other");
                    on(s, c, "A", "SELECT count(*) FROM other");
                    on(s, c, "A", "DROP TABLE " + first + ".other");
                    on(s, c, "A", "SELECT count(*) FROM other");
                    on(s, c, "A", "DROP SCHEMA " + first + " CASCADE");
                }
            });
    }

    @Test
    void dropOfSeveralTablesThenSwapInANewOne() throws Exception {
        run(new String[] {"CREATE TABLE old_items (id INT)", ITEMS[0], ITEMS[1],
            "CREATE TABLE items_new (id INT PRIMARY KEY, v INT)", "INSERT INTO items_new VALUES (1, 1000)"}, s -> {
                s.q("A", "SELECT v FROM items ORDER BY id");
                s.q("A", "SELECT v FROM items ORDER BY id");
                s.q("A", "DROP TABLE old_items, items");
                s.q("A", "ALTER TABLE items_new RENAME TO items");
                s.q("A", "SELECT v FROM items ORDER BY id");
            });
    }

    @Test
    void paddedClockInputsAreTheClock() throws Exception {
        Assumptions.assumeTrue(pg(), "'now' as a timestamptz input is PostgreSQL's");
        String padded = "now" + " ".repeat(90);
        run(ITEMS, s -> {
            twice(s, "SELECT '" + padded + "'::timestamptz");
            s.record("prepared twice", Differential.Script.outcome(() -> {
                Connection c = s.session("A");
                List<String> seen = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    try (PreparedStatement ps = c.prepareStatement("SELECT ?::timestamptz")) {
                        ps.setString(1, padded);
                        try (ResultSet rs = ps.executeQuery()) {
                            seen.add(TestDb.rows(rs).toString());
                        }
                    }
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        throw new SQLException(e);
                    }
                }
                return seen.get(0).equals(seen.get(1)) ? "same" : "different";
            }));
        });
    }
}
