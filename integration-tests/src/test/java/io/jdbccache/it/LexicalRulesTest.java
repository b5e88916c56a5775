package io.jdbccache.it;

import static io.jdbccache.it.Differential.sameOutcomes;
import static io.jdbccache.it.RawThenCached.controlThenCached;
import static io.jdbccache.it.TestDb.query;
import static io.jdbccache.it.TestDb.row;
import static org.assertj.core.api.Assertions.assertThat;

import io.jdbccache.CacheStatistics;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The driver reads SQL as the database does: comments ending at a carriage return, H2's {@code //} comments holding
 * a quote, strings under either {@code standard_conforming_strings}, square brackets that quote nothing, identifiers
 * folded in ASCII only (PostgreSQL), Unicode-escaped names, and statements that only look like reads (EXPLAIN
 * ANALYZE, calls the parser cannot read, user-defined operators, rules); two statements it read as one would share
 * a key. Each scenario runs raw and through the cache; every step must see the same thing.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Database.class)
class LexicalRulesTest {
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

    @Test
    void identifiersFoldAsTheDatabaseFoldsThem() throws Exception {
        String[] fixture = {
            "CREATE TABLE ä (v INT)", "INSERT INTO ä VALUES (1)",
            pg() ? "CREATE TABLE \"Ä\" (v INT)" : "CREATE TABLE \"ä\" (v INT)",
            pg() ? "INSERT INTO \"Ä\" VALUES (2)" : "INSERT INTO \"ä\" VALUES (2)",
        };
        CacheStatistics stats = run(fixture, s -> {
            for (int i = 0; i < 2; i++) {
                s.q("A", "SELECT v FROM ä");
                s.q("A", "SELECT v FROM Ä");
                s.q("A", "SELECT v FROM \"ä\"");
                s.q("A", "SELECT v FROM \"Ä\"");
            }
            s.q("A", "UPDATE Ä SET v = v + 10");
            s.q("A", "SELECT v FROM ä");
            s.q("A", "SELECT v FROM Ä");
            s.q("A", "SELECT v FROM \"ä\"");
            s.q("A", "SELECT v FROM \"Ä\"");
        });
        assertThat(stats.hitCount()).isPositive();
    }

    @Test
    void aLineCommentEndsAtACarriageReturn() throws Exception {
        run(ITEMS, s -> {
            s.q("A", "SELECT v FROM items WHERE id = 1");
            s.q("A", "SELECT v FROM items WHERE id = 1 --\rOR true");
            s.q("A", "SELECT v FROM items WHERE id = 1 --\r OR true");
            s.q("A", "SELECT v FROM items WHERE id = 1");
            s.q("A", "SELECT count(*) FROM items");
            s.q("A", "SELECT 1 -- x\r; DELETE FROM items WHERE id = 2");
            s.q("A", "SELECT count(*) FROM items");
            if (!pg()) {
                s.q("A", "SELECT 1 // x\r; DELETE FROM items");
                s.q("A", "SELECT count(*) FROM items");
            }
        });
    }

    @Test
    void aQuoteInsideADoubleSlashCommentQuotesNothing() throws Exception {
        Assumptions.assumeTrue(!pg(), "// line comments are H2's");
        controlThenCached(database, new String[] {
            "CREATE TABLE t (v VARCHAR(10))", "INSERT INTO t VALUES ('one two')"}, (db, src) -> {
                Connection c = src.get();
                // H2 reads "// don't" as a comment; a lexer reading 't\n ... <> ' as a literal would lex the real
                // literal after it as words: case-folded and whitespace-collapsed.
                assertThat(query(c, "SELECT v FROM t // don't\n WHERE v <> 'ONE  TWO' --'"))
                        .isEqualTo(List.of(row("one two")));
                assertThat(query(c, "SELECT v FROM t // don't\n WHERE v <> 'one two' --'")).isEmpty();
            });
    }

    @Test
    void literalsAfterSquareBracketsStayInTheKey() throws Exception {
        controlThenCached(database, new String[] {
            "CREATE TABLE t (v VARCHAR(10))", "INSERT INTO t VALUES ('one'), ('two')"}, (db, src) -> {
                Connection c = src.get();
                String template = "SELECT v FROM t WHERE ARRAY[']', '--'] IS NOT NULL AND v = '%s'";
                assertThat(query(c, String.format(template, "one"))).isEqualTo(List.of(row("one")));
                assertThat(query(c, String.format(template, "two"))).isEqualTo(List.of(row("two")));
            });
    }

    @Test
    void stringsFollowStandardConformingStrings() throws Exception {
        Assumptions.assumeTrue(pg(), "standard_conforming_strings is PostgreSQL's");
        run(ITEMS, s -> {
            s.q("A", "SELECT count(*) FROM items");
            s.q("A", "SET standard_conforming_strings = off");
            s.q("A", "SELECT count(*) FROM items");
            s.q("A", "SELECT 'a\\' , '; DELETE FROM items WHERE id = 1; --'");
            s.q("A", "SELECT count(*) FROM items");
            s.q("A", "SELECT E'b\\' , '; DELETE FROM items; --'");
            s.q("A", "SELECT count(*) FROM items");
            s.q("A", "SET standard_conforming_strings = on");
            s.q("A", "INSERT INTO items VALUES (3, 30)");
            s.q("A", "SELECT 'a\\' , '; DELETE FROM items WHERE id = 3; --'");
            s.q("A", "SELECT count(*) FROM items");
            s.q("A", "SELECT 'c\\'");
        });
    }

    @Test
    void readsThatRunWritingCodeAreWrites() throws Exception {
        Assumptions.assumeTrue(pg(), "plpgsql functions and user-defined operators");
        String[] fixture = {
            ITEMS[0], ITEMS[1],
            "CREATE FUNCTION bump() RETURNS INT LANGUAGE plpgsql AS $$"
                    + " BEGIN UPDATE items SET v = v + 1; RETURN 1; END $$",
            "CREATE FUNCTION bump_eq(a INT, b INT) RETURNS BOOLEAN LANGUAGE plpgsql AS $$"
                    + " BEGIN UPDATE items SET v = v + 100; RETURN a = b; END $$",
            "CREATE OPERATOR === (LEFTARG = INT, RIGHTARG = INT, FUNCTION = bump_eq)",
        };
        CacheStatistics stats = run(fixture, s -> {
            List<String> writers = List.of(
                    "EXPLAIN ANALYZE SELECT bump()",
                    "EXPLAIN (ANALYZE) SELECT bump()",
                    "SELECT bump()::text COLLATE \"C\"",
                    "SELECT 1 WHERE 1 OPERATOR(pg_catalog.=) bump()",
                    "SELECT count(*) FROM items WHERE id === 1",
                    "SELECT count(*) FROM items WHERE id OPERATOR(" + s.schema() + ".===) 2");
            s.q("A", "SELECT id, v FROM items ORDER BY id");
            for (String writer : writers) {
                s.q("A", "SELECT id, v FROM items ORDER BY id");
                s.q("A", writer);
                s.q("A", "SELECT id, v FROM items ORDER BY id");
            }
        });
        assertThat(stats.hitCount()).isPositive();
    }

    @Test
    void rulesAreCheckedLikeTriggers() throws Exception {
        Assumptions.assumeTrue(pg(), "CREATE RULE is PostgreSQL's");
        String[] fixture = {
            "CREATE TABLE keyed (id INT PRIMARY KEY, v INT)",
            "INSERT INTO keyed VALUES (1, 1), (2, 2), (3, 3)",
            "CREATE TABLE audit (id INT)",
            "CREATE RULE also_bump AS ON DELETE TO keyed DO ALSO UPDATE keyed SET v = v + 100 WHERE id <> OLD.id",
            "CREATE RULE also_log AS ON UPDATE TO keyed DO ALSO INSERT INTO audit VALUES (NEW.id)",
        };
        run(fixture, s -> {
            s.q("A", "SELECT v FROM keyed WHERE id = 2");
            s.q("A", "SELECT count(*) FROM audit");
            s.p("A", "SELECT v FROM keyed WHERE id = ?", 3);
            s.q("A", "DELETE FROM keyed WHERE id = 1");
            s.q("A", "SELECT v FROM keyed WHERE id = 2");
            s.p("A", "SELECT v FROM keyed WHERE id = ?", 3);
            s.q("A", "SELECT count(*) FROM audit");
            s.p("A", "UPDATE keyed SET v = 0 WHERE id = ?", 2);
            s.q("A", "SELECT count(*) FROM audit");
            s.q("A", "SELECT v FROM keyed WHERE id = 2");
        });
    }

    @Test
    void unicodeEscapedNamesAreTheTablesTheyDecodeTo() throws Exception {
        String[] fixture = {
            "CREATE TABLE \"rel_bi\" (v INT)", "INSERT INTO \"rel_bi\" VALUES (1)",
            "CREATE TABLE \"u\" (v INT)", "INSERT INTO \"u\" VALUES (1)",
        };
        run(fixture, s -> {
            String count = "SELECT count(*) FROM \"rel_bi\"";
            s.q("A", count);
            s.q("A", "SELECT count(*) FROM \"u\"");
            s.q("A", "INSERT INTO U&\"\\0072el_bi\" VALUES (2)");
            s.q("A", count);
            s.q("A", "INSERT INTO U&\"!0072el_bi\" UESCAPE '!' VALUES (3)");
            s.q("A", count);
            if (pg()) {
                s.q("A", "INSERT INTO U&\"\\0072el_bi\" VALUES (4) RETURNING v::text COLLATE \"C\"");
                s.q("A", count);
                s.q("A", "MERGE INTO U&\"\\0072el_bi\" t USING (VALUES (9)) s(v) ON t.v = s.v"
                        + " WHEN NOT MATCHED THEN INSERT VALUES (s.v)");
                s.q("A", count);
            }
            s.q("A", "SELECT count(*) FROM \"u\"");
        });
    }

    @Test
    void tooDeepForTheParserIsStillAnswered() throws Exception {
        StringBuilder chain = new StringBuilder("id = 0");
        for (int i = 1; i < 20_000; i++) {
            chain.append(i % 2 == 0 ? " AND " : " OR ").append("id = ").append(i);
        }
        run(ITEMS, s -> {
            s.q("A", "SELECT count(*) FROM items WHERE " + chain);
            s.p("A", "SELECT count(*) FROM items WHERE " + chain);
            s.q("A", "SELECT count(*) FROM items WHERE " + chain);
            s.q("A", "UPDATE items SET v = v + 1 WHERE " + chain);
            s.q("A", "SELECT count(*) FROM items WHERE " + chain);
            s.q("A", "SELECT sum(v) FROM items");
        });
    }
}
