package io.jdbccache.internal.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdbccache.internal.sql.SqlAnalysis.Kind;
import io.jdbccache.internal.sql.TableRef.IdentifierCase;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SqlAnalyzerTest {

    private static SqlAnalysis analyze(String sql) {
        return SqlAnalyzer.analyze(sql, SqlSyntax.POSTGRESQL);
    }

    private static List<String> tables(SqlAnalysis analysis) {
        return analysis.tables().stream().map(t -> t.resolve(IdentifierCase.LOWER_ASCII, "public"))
                .sorted().collect(Collectors.toList());
    }

    private static List<Kind> kinds(SqlAnalysis analysis) {
        return analysis.parts().stream().map(SqlAnalysis::kind).collect(Collectors.toList());
    }

    @Test
    void formattingCommentsAndKeywordCaseDoNotMakeTwoKeys() {
        String a = analyze("SELECT id, name FROM Products WHERE id = ?").normalizedSql();
        String b = analyze("select  id ,name\n  from products -- comment\n where id = ?").normalizedSql();
        String c = analyze("/* hello */ Select Id,Name From PRODUCTS Where ID = ?;").normalizedSql();
        assertThat(a).isEqualTo(b).isEqualTo(c);
    }

    @Test
    void whitespaceBetweenOperatorsIsKeptBecauseItChangesTheStatement() {
        // "a - -1" subtracts minus one; "a--1" is a followed by a comment.
        assertThat(analyze("SELECT a - -1 FROM t").normalizedSql()).isNotEqualTo(analyze("SELECT a--1\nFROM t")
                .normalizedSql());
        assertThat(analyze("SELECT 1 .5").normalizedSql()).isNotEqualTo(analyze("SELECT 1.5").normalizedSql());
        assertThat(analyze("SELECT a<>b FROM t").normalizedSql()).isNotEqualTo(analyze("SELECT a< >b FROM t")
                .normalizedSql());
    }

    @Test
    void literalsAndQuotedIdentifiersKeepTheirCaseAndSpacing() {
        assertThat(analyze("select * from t where name = 'A  b'").normalizedSql())
                .isNotEqualTo(analyze("select * from t where name = 'a b'").normalizedSql());
        assertThat(analyze("select * from \"T\"").normalizedSql())
                .isNotEqualTo(analyze("select * from \"t\"").normalizedSql());
    }

    @Test
    void postgresFoldsAsciiLettersOnly() {
        // PostgreSQL folds A-Z only: Ä and ä are two tables, and two keys.
        assertThat(analyze("SELECT v FROM Ä").normalizedSql()).isNotEqualTo(analyze("SELECT v FROM ä")
                .normalizedSql());
        assertThat(tables(analyze("UPDATE Ä SET v = 1"))).containsExactly("public.Ä");
        assertThat(IdentifierCase.LOWER_ASCII.apply("ÄbC")).isEqualTo("Äbc");
    }

    @Test
    void otherDatabasesKeepTheCaseOfWordsInTheKey() {
        assertThat(SqlAnalyzer.analyze("select * from Foo", SqlSyntax.H2).normalizedSql())
                .isNotEqualTo(SqlAnalyzer.analyze("select * from foo", SqlSyntax.H2).normalizedSql());
        assertThat(SqlAnalyzer.analyze("select * from Foo", SqlSyntax.GENERIC).normalizedSql())
                .isNotEqualTo(SqlAnalyzer.analyze("select * from foo", SqlSyntax.GENERIC).normalizedSql());
    }

    @Test
    void postgresJoinsAdjacentStringsOnlyAcrossANewline() {
        // 'a'\n'b' is 'ab'; 'a' 'b' on one line is a syntax error: never one key.
        assertThat(analyze("SELECT 'a'\n'b'").normalizedSql()).isNotEqualTo(analyze("SELECT 'a' 'b'")
                .normalizedSql());
        assertThat(analyze("SELECT 'a' -- c\n'b'").normalizedSql()).isEqualTo(analyze("SELECT 'a'\n'b'")
                .normalizedSql());
        assertThat(analyze("SELECT 'a'\r'b'").normalizedSql()).isEqualTo(analyze("SELECT 'a'\n'b'")
                .normalizedSql());
    }

    @Test
    void lineCommentsEndAtACarriageReturn() {
        assertThat(analyze("SELECT * FROM t WHERE id = 1 --\rOR true").normalizedSql())
                .isNotEqualTo(analyze("SELECT * FROM t WHERE id = 1").normalizedSql());
        SqlAnalysis hidden = analyze("SELECT 1 -- x\r; DELETE FROM t");
        assertThat(hidden.kind()).isEqualTo(Kind.MULTIPLE);
        assertThat(hidden.isWrite()).isTrue();
        SqlAnalysis h2 = SqlAnalyzer.analyze("SELECT 1 // x\r; DELETE FROM t", SqlSyntax.H2);
        assertThat(h2.isWrite()).isTrue();
    }

    @Test
    void blockCommentsNestAsTheDatabaseNestsThem() {
        for (SqlSyntax syntax : List.of(SqlSyntax.POSTGRESQL, SqlSyntax.H2)) {
            SqlAnalysis analysis = SqlAnalyzer.analyze("SELECT 1 /* a /* b */ ; DELETE FROM t; */", syntax);
            assertThat(analysis.kind()).as(syntax.name()).isEqualTo(Kind.QUERY);
            assertThat(SqlAnalyzer.analyze("SELECT 1 /* a /* b */ c */ ; DELETE FROM t", syntax).isWrite())
                    .as(syntax.name()).isTrue();
        }
    }

    @Test
    void doubleSlashIsACommentInH2ButNotInPostgres() {
        assertThat(SqlAnalyzer.analyze("SELECT 1 // 2; DELETE FROM t", SqlSyntax.POSTGRESQL).isWrite()).isTrue();
        assertThat(SqlAnalyzer.analyze("SELECT 1 // 2; DELETE FROM t", SqlSyntax.H2).isWrite()).isFalse();
    }

    @Test
    void backslashEscapesFollowStandardConformingStrings() {
        String sql = "SELECT 'a\\' , '; DELETE FROM t; --'";
        assertThat(SqlAnalyzer.analyze(sql, SqlSyntax.POSTGRESQL).isWrite()).isFalse();
        SqlAnalysis off = SqlAnalyzer.analyze(sql, SqlSyntax.POSTGRESQL_BACKSLASH_STRINGS);
        assertThat(off.kind()).isEqualTo(Kind.MULTIPLE);
        assertThat(off.isWrite()).isTrue();
        // E'' strings escape with a backslash whatever the setting.
        assertThat(analyze("SELECT E'it\\'s; DELETE FROM t' FROM t").kind()).isEqualTo(Kind.QUERY);
    }

    @Test
    void unicodeEscapedIdentifiersNameTheTableTheyDecodeTo() {
        SqlAnalysis insert = analyze("INSERT INTO U&\"\\0072el_bi\" VALUES (1)");
        assertThat(insert.kind()).isEqualTo(Kind.WRITE);
        assertThat(tables(insert)).containsExactly("public.rel_bi");
        SqlAnalysis escaped = analyze("UPDATE U&\"!0072el\" UESCAPE '!' SET v = 1");
        assertThat(tables(escaped)).containsExactly("public.rel");
        SqlAnalysis merge = analyze("MERGE INTO U&\"\\+000072el_bi\" t USING s ON t.id = s.id WHEN MATCHED THEN "
                + "DELETE");
        assertThat(tables(merge)).containsExactly("public.rel_bi");
        assertThat(SqlLexer.decodeUnicodeEscapes("d\\0061t\\+000061\\\\", '\\')).isEqualTo("data\\");
    }

    @Test
    void selectReadsEveryTableThroughJoinsSubqueriesAndCtes() {
        SqlAnalysis analysis = analyze("WITH recent AS (SELECT * FROM orders WHERE id > 10) "
                + "SELECT p.name FROM products p JOIN recent r ON r.product_id = p.id "
                + "WHERE p.category_id IN (SELECT id FROM shop.categories) "
                + "AND EXISTS (SELECT 1 FROM \"Stock\" s WHERE s.product_id = p.id)");
        assertThat(analysis.kind()).isEqualTo(Kind.QUERY);
        assertThat(tables(analysis)).containsExactly("public.Stock", "public.orders", "public.products",
                "shop.categories");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "INSERT INTO products (id) VALUES (1)|public.products",
        "insert into Products select * from archive|public.products",
        "UPDATE products SET name = 'x' WHERE id = 1|public.products",
        "UPDATE products p SET price = s.price FROM staging s WHERE s.id = p.id|public.products",
        "DELETE FROM shop.orders WHERE id = 3|shop.orders",
        "INSERT INTO products (id, name) VALUES (1, 'a') ON CONFLICT (id) DO UPDATE SET name = excluded.name"
                + "|public.products",
        "MERGE INTO products p USING staging s ON p.id = s.id WHEN MATCHED THEN UPDATE SET name = s.name"
                + "|public.products",
        "TRUNCATE TABLE products|public.products",
        "ALTER TABLE products ADD COLUMN stock INT|public.products",
        "DROP TABLE products|public.products",
        "CREATE INDEX idx ON products (name)|public.products",
        "MERGE INTO products KEY (id) VALUES (1, 'apple', 11)|public.products",
        "CREATE VIEW cheap AS SELECT * FROM products WHERE price < 10|public.cheap",
    })
    void writesNameTheTablesTheyChange(String sql, String table) {
        SqlAnalysis analysis = analyze(sql);
        assertThat(analysis.kind()).as(sql).isEqualTo(Kind.WRITE);
        assertThat(tables(analysis)).as(sql).contains(table);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "CALL refresh_prices()",
        "DO $$ BEGIN UPDATE products SET price = 1; END $$",
        "EXECUTE my_plan(1)",
        "VACUUM products",
        "GRANT SELECT ON products TO bob",
        "TRUNCATE products CASCADE",
        "this is not sql at all",
        "SELECT * INTO new_table FROM products WHERE",
        "{call set_config('search_path', 'x', false)}",
        "{? = call f(?)}",
    })
    void writesWithUnknownTablesInvalidateTheDatabaseAndMayChangeTheSession(String sql) {
        SqlAnalysis analysis = analyze(sql);
        assertThat(analysis.kind()).as(sql).isEqualTo(Kind.WRITE_UNKNOWN);
        assertThat(analysis.mayChangeSession()).as(sql).isTrue();
    }

    @Test
    void multipleStatementsAreAnalyzedOneByOne() {
        SqlAnalysis analysis = analyze("BEGIN; UPDATE products SET x = 1; DELETE FROM shop.orders; COMMIT AND CHAIN");
        assertThat(analysis.kind()).isEqualTo(Kind.MULTIPLE);
        assertThat(analysis.isWrite()).isTrue();
        assertThat(kinds(analysis)).containsExactly(Kind.BEGIN, Kind.WRITE, Kind.WRITE, Kind.COMMIT);
        assertThat(tables(analysis.parts().get(2))).containsExactly("shop.orders");
        assertThat(analysis.parts().get(3).chained()).isTrue();
        assertThat(analyze("COMMIT AND NO CHAIN").chained()).isFalse();
        assertThat(analyze("SELECT 1; SET app.tenant = 'a'").mayChangeSession()).isTrue();
    }

    @Test
    void rowKeysAreFoundOnlyWhereOneRowIsProvablyNamed() {
        assertThat(analyze("SELECT * FROM products p WHERE p.id = ? AND price > 3").rowKey())
                .isEqualTo(new RowKey("id", 1, 0));
        assertThat(analyze("UPDATE products SET price = ? WHERE id = ?").rowKey()).isEqualTo(new RowKey("id", 2, 0));
        assertThat(analyze("DELETE FROM products WHERE 7 = id").rowKey()).isEqualTo(new RowKey("id", 0, 7));
        assertThat(analyze("UPDATE products SET id = 9 WHERE id = 1").updatedColumns()).containsExactly("id");
        assertThat(analyze("SELECT * FROM products WHERE id = ? OR id = ?").rowKey()).isNull();
        assertThat(analyze("SELECT * FROM products WHERE id = (SELECT max(id) FROM products)").rowKey()).isNull();
        assertThat(analyze("SELECT * FROM products p JOIN categories c ON c.id = p.category_id WHERE p.id = ?")
                .rowKey()).isNull();
        assertThat(analyze("UPDATE products SET price = 1 WHERE id IN (SELECT id FROM products)").rowKey()).isNull();
        assertThat(analyze("SELECT * FROM products WHERE id = '5'").rowKey()).isNull();
    }

    @Test
    void placeholdersAreCountedAsPgjdbcCountsThem() {
        assertThat(analyze("SELECT * FROM t WHERE a = ? AND b = ?").parameterCount()).isEqualTo(2);
        assertThat(analyze("SELECT '?' FROM t WHERE a = ? -- ?").parameterCount()).isEqualTo(1);
        // pgjdbc reads ?? as the jsonb ? operator: the key placeholder is the first one, not the second.
        SqlAnalysis json = analyze("SELECT * FROM t WHERE data ?? 'k' AND id = ?");
        assertThat(json.parameterCount()).isEqualTo(1);
        assertThat(json.rowKey()).isEqualTo(new RowKey("id", 1, 0));
        assertThat(SqlAnalyzer.analyze("SELECT * FROM t WHERE a = ?1", SqlSyntax.H2).parameterCount())
                .isEqualTo(-1);
    }

    @Test
    void cteNamesAreKeptBecauseTheyMayShadowATable() {
        SqlAnalysis analysis = analyze("WITH orders AS (SELECT * FROM orders WHERE open) SELECT count(*) FROM orders");
        assertThat(analysis.cteNames()).extracting(TableRef::name).containsExactly("orders");
    }

    @Test
    void hiddenDataChangesInReadsAreWrites() {
        assertThat(SqlAnalyzer.analyze("SELECT v FROM FINAL TABLE (UPDATE items SET v = 2 WHERE id = 1)",
                SqlSyntax.H2).isWrite()).isTrue();
        assertThat(analyze("EXPLAIN ANALYZE WITH d AS (DELETE FROM items RETURNING *) SELECT count(*) FROM d")
                .isWrite()).isTrue();
        assertThat(analyze("SELECT * FROM items FOR NO KEY UPDATE").isWrite()).isFalse();
    }

    @Test
    void explainIsTreatedAsTheStatementItRuns() {
        SqlAnalysis select = analyze("EXPLAIN ANALYZE SELECT f_writes() FROM t");
        assertThat(select.kind()).isEqualTo(Kind.UNCACHEABLE_READ);
        assertThat(select.functions()).contains("f_writes");
        assertThat(analyze("EXPLAIN (ANALYZE, BUFFERS) UPDATE t SET v = 1").kind()).isEqualTo(Kind.WRITE);
        assertThat(analyze("explain analyse delete from t").kind()).isEqualTo(Kind.WRITE);
        assertThat(analyze("EXPLAIN SELECT set_config('a.b', 'c', false)").functions()).contains("set_config");
        assertThat(analyze("EXPLAIN SELECT * FROM t").isWrite()).isFalse();
    }

    @Test
    void bracketsAreArrays() {
        assertThat(analyze("SELECT ARRAY[']', '--'] FROM t WHERE v = 'one'").normalizedSql())
                .isNotEqualTo(analyze("SELECT ARRAY[']', '--'] FROM t WHERE v = 'two'").normalizedSql());
        assertThat(SqlAnalyzer.analyze("SELECT v FROM t // it's\nWHERE v <> 'ONE  TWO'", SqlSyntax.H2)
                .normalizedSql()).isNotEqualTo(SqlAnalyzer.analyze("SELECT v FROM t // it's\nWHERE v <> 'one two'",
                        SqlSyntax.H2).normalizedSql());
    }

    @Test
    void dataModifyingCteIsAWrite() {
        SqlAnalysis analysis = analyze("WITH moved AS (DELETE FROM cart_items WHERE id = 1 RETURNING *) "
                + "INSERT INTO orders SELECT * FROM moved");
        assertThat(analysis.isWrite()).isTrue();
        SqlAnalysis select = analyze("WITH u AS (UPDATE products SET price = 2 RETURNING id) SELECT * FROM u");
        assertThat(select.kind()).isEqualTo(Kind.WRITE);
        assertThat(tables(select)).contains("public.products");
    }

    @Test
    void selectIntoCreatesATable() {
        SqlAnalysis analysis = analyze("SELECT * INTO archive FROM products");
        assertThat(analysis.kind()).isEqualTo(Kind.WRITE);
        assertThat(tables(analysis)).containsExactly("public.archive");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "SELECT * FROM products FOR UPDATE",
        "SELECT * FROM products WHERE id = 1 FOR SHARE",
        "SELECT * FROM products FOR NO KEY UPDATE",
        "SELECT CURRENT_TIMESTAMP",
        "SELECT * FROM orders WHERE created > current_date",
        "SELECT * FROM pg_catalog.pg_class",
        "SELECT * FROM information_schema.tables",
        "SELECT 'now'::timestamptz",
        "SELECT * FROM orders WHERE created > 'today'::date",
        "SELECT * FROM orders WHERE day = ' Tomorrow '",
        "SELECT 'yesterday allballs'::timestamp",
        "SELECT * FROM orders WHERE created < 'NOW'",
    })
    void uncacheableReadsAreBypassedWithAReason(String sql) {
        SqlAnalysis analysis = analyze(sql);
        assertThat(analysis.kind()).as(sql).isEqualTo(Kind.UNCACHEABLE_READ);
        assertThat(analysis.bypassReason()).isNotNull();
        assertThat(analysis.bypassDetail()).isNotBlank();
    }

    @Test
    void functionCallsAreRecordedForTheRulesToJudge() {
        SqlAnalysis analysis = analyze("SELECT lower(name), now(), nextval('s'), my_fn(id) FROM products");
        assertThat(analysis.functions()).contains("lower", "now", "nextval", "my_fn");
        assertThat(DeterministicFunctions.isDeterministic("lower", Set.of())).isTrue();
        assertThat(DeterministicFunctions.isDeterministic("now", Set.of())).isFalse();
        assertThat(DeterministicFunctions.isDeterministic("my_fn", Set.of("my_fn"))).isTrue();
        // Quoted names are exact: "LOWER" is not lower() but a function someone created.
        assertThat(analyze("SELECT \"LOWER\"(name), \"set_config\"('a.b', 'c', false) FROM t").functions())
                .contains("LOWER", "set_config");
        assertThat(DeterministicFunctions.cannotChangeSession("set_config", Set.of())).isFalse();
        assertThat(DeterministicFunctions.cannotWrite("set_config", Set.of())).isTrue();
        assertThat(DeterministicFunctions.cannotWrite("pg_try_advisory_lock", Set.of())).isTrue();
    }

    @Test
    void unparseableReadsStillReportTheirCalls() {
        SqlAnalysis collate = analyze("SELECT f_writes()::text COLLATE \"C\" FROM t");
        assertThat(collate.functions()).contains("f_writes");
        SqlAnalysis operator = analyze("SELECT * FROM t WHERE id OPERATOR(pg_catalog.=) 1");
        assertThat(operator.functions()).anyMatch(f -> f.startsWith("operator("));
        SqlAnalysis qualified = analyze("SELECT app.f(1) FROM t WHERE id OPERATOR(pg_catalog.=) 1");
        assertThat(qualified.functions()).contains("app.f");
    }

    @Test
    void operatorsThatAreNotBuiltInAreCalls() {
        assertThat(analyze("SELECT * FROM t WHERE a === b").functions()).contains("operator ===");
        // PostgreSQL splits "=-" into "=" and "-": both built in.
        SqlAnalysis negative = analyze("SELECT * FROM t WHERE a=-1");
        assertThat(negative.kind()).isEqualTo(Kind.QUERY);
        assertThat(negative.functions()).isEmpty();
        assertThat(analyze("SELECT data->>'k', data @> '{}' FROM t WHERE x::int >= 1").functions()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "BEGIN|BEGIN",
        "START TRANSACTION ISOLATION LEVEL SERIALIZABLE|BEGIN",
        "COMMIT|COMMIT",
        "END|COMMIT",
        "ROLLBACK|ROLLBACK",
        "ROLLBACK TO SAVEPOINT a|ROLLBACK_TO_SAVEPOINT",
        "SET search_path TO shop, public|SESSION_CHANGE",
        "SET ROLE reporting|SESSION_CHANGE",
        "RESET ROLE|SESSION_CHANGE",
        "SET SESSION AUTHORIZATION bob|SESSION_CHANGE",
        "SET SCHEMA 'shop'|SESSION_CHANGE",
        "RESET ALL|SESSION_CHANGE",
        "SET TIME ZONE 'UTC'|SESSION_CHANGE",
        "SET DateStyle = ISO|SESSION_CHANGE",
        "SET app.tenant = 'a'|SESSION_CHANGE",
        "SET LOCAL app.tenant = 'a'|SESSION_CHANGE",
        "RESET app.request|SESSION_CHANGE",
        "SET application_name = 'x'|SESSION_CHANGE",
        "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE|SESSION_CHANGE",
        "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SERIALIZABLE|SESSION_CHANGE",
        "SET default_transaction_isolation = 'repeatable read'|SESSION_CHANGE",
        "SET LOCAL TimeZone = 'UTC'|SESSION_CHANGE",
        "SELECT 1 INTO TEMP t|SESSION_CHANGE",
        "DISCARD ALL|SESSION_CHANGE",
        "CREATE TEMP TABLE products (id int)|SESSION_CHANGE",
        "CREATE LOCAL TEMPORARY TABLE t (id int)|SESSION_CHANGE",
        "LOAD 'auto_explain'|SESSION_CHANGE",
        "SHOW search_path|UNCACHEABLE_READ",
        "SET AUTOCOMMIT OFF|AUTOCOMMIT_CHANGE",
        "PREPARE p AS SELECT 1|UNCACHEABLE_READ",
    })
    void transactionControlAndSessionChangesAreRecognized(String sql, Kind kind) {
        SqlAnalysis analysis = analyze(sql);
        assertThat(analysis.kind()).as(sql).isEqualTo(kind);
        assertThat(analysis.mayChangeSession()).as(sql).isEqualTo(kind == Kind.SESSION_CHANGE
                || kind == Kind.AUTOCOMMIT_CHANGE);
    }

    @Test
    void snapshotIsolationIsSeenInBeginAndSetTransaction() {
        assertThat(analyze("BEGIN ISOLATION LEVEL REPEATABLE READ").snapshotIsolation()).isTrue();
        assertThat(analyze("BEGIN").snapshotIsolation()).isFalse();
        assertThat(analyze("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE").snapshotIsolation()).isTrue();
    }

    @Test
    void h2SettingsOtherThanTheSessionsOwnReachEverySession() {
        assertThat(SqlAnalyzer.analyze("SET MODE PostgreSQL", SqlSyntax.H2).affectsAllSessions()).isTrue();
        assertThat(SqlAnalyzer.analyze("SET SCHEMA s", SqlSyntax.H2).affectsAllSessions()).isFalse();
        assertThat(SqlAnalyzer.analyze("SET @x = 1", SqlSyntax.H2).affectsAllSessions()).isFalse();
        assertThat(SqlAnalyzer.analyze("SET TIME ZONE 'UTC'", SqlSyntax.H2).affectsAllSessions()).isFalse();
    }

    @Test
    void unterminatedLiteralIsTreatedAsUnknownWrite() {
        assertThat(analyze("SELECT 'oops FROM t").kind()).isEqualTo(Kind.WRITE_UNKNOWN);
    }

    @Test
    void dollarQuotedAndEscapeStringsAreLiterals() {
        String a = analyze("SELECT $tag$ a -- not a comment; DELETE FROM t $tag$ FROM t").normalizedSql();
        assertThat(a).contains("$tag$ a -- not a comment; DELETE FROM t $tag$");
        String b = analyze("SELECT E'it\\'s' FROM t").normalizedSql();
        assertThat(b).contains("E'it\\'s'");
        // H2 knows only $$; a tagged one is not a string there.
        assertThat(SqlAnalyzer.analyze("SELECT $$a; DELETE FROM t$$", SqlSyntax.H2).isWrite()).isFalse();
    }

    @Test
    void deeplyNestedPredicatesAreUnparseableNotAFailure() {
        StringBuilder chain = new StringBuilder("id = 0");
        for (int i = 1; i < 20_000; i++) {
            chain.append(i % 2 == 0 ? " AND " : " OR ").append("id = ").append(i);
        }
        SqlAnalysis read = analyze("SELECT * FROM t WHERE " + chain);
        assertThat(read.kind()).isIn(Kind.QUERY, Kind.UNCACHEABLE_READ);
        SqlAnalysis update = analyze("UPDATE t SET v = 1 WHERE " + chain);
        assertThat(update.kind()).isEqualTo(Kind.WRITE);
        assertThat(tables(update)).containsExactly("public.t");
    }

    @Test
    void policyConditionsReportTheSettingsAndTablesTheyRead() {
        SqlAnalysis simple = SqlAnalyzer.analyzeCondition("(tenant = current_setting('app.tenant'::text, true))",
                SqlSyntax.POSTGRESQL);
        assertThat(simple.kind()).isEqualTo(Kind.QUERY);
        assertThat(simple.settingsRead()).containsExactly("app.tenant");
        assertThat(simple.readsUnnamedSetting()).isFalse();
        SqlAnalysis members = SqlAnalyzer.analyzeCondition("(tenant IN ( SELECT members.tenant FROM members WHERE "
                + "(members.user_name = CURRENT_USER)))", SqlSyntax.POSTGRESQL);
        assertThat(tables(members)).containsExactly("public.members");
        SqlAnalysis computed = SqlAnalyzer.analyzeCondition("(tenant = current_setting(('app.'::text || kind)))",
                SqlSyntax.POSTGRESQL);
        assertThat(computed.readsUnnamedSetting()).isTrue();
    }

    @Test
    void postgresTruncatesIdentifiersTo63BytesOfUtf8() {
        String base = "t".repeat(63);
        assertThat(IdentifierCase.LOWER_ASCII.apply(base + "_more")).isEqualTo(base);
        assertThat(IdentifierCase.LOWER_ASCII.apply("\"" + "é".repeat(40) + "\"")).isEqualTo("é".repeat(31));
        assertThat(tables(analyze("UPDATE " + base + "_alias SET v = 1"))).containsExactly("public." + base);
    }

    @Test
    void namesHoldingDotsStayOneName() {
        SqlAnalysis delete = analyze("DELETE FROM \"odd.parent\" WHERE id = 1");
        assertThat(delete.tables()).containsExactly(new TableRef(null, "\"odd.parent\""));
        String qualified = TableRef.qualify("s", "odd.parent");
        assertThat(qualified).isEqualTo("s.\"odd.parent\"");
        assertThat(TableRef.split(qualified)).containsExactly("s", "odd.parent");
        assertThat(TableRef.split("s.t")).containsExactly("s", "t");
        assertThat(TableRef.split("t")).containsExactly(null, "t");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "SELECT U&'now'::timestamptz",
        "SELECT U&'!006eow' UESCAPE '!'",
        "SELECT $$now$$::timestamptz",
        "SELECT $d$ today $d$::date",
        "SELECT E'\\156ow'::timestamptz",
        "SELECT E'\\x6eow'::timestamptz",
        "SELECT 'now                                                                                         '",
        "SELECT ('no' || 'w')::timestamptz",
        "SELECT CAST(lower('NOW') AS timestamptz)",
        "SELECT CAST(concat('to', 'day') AS date)",
        "SELECT count(*) FROM t TABLESAMPLE SYSTEM (10)",
    })
    void clockReadsAndSamplesInEveryFormAreNotCached(String sql) {
        SqlAnalysis analysis = analyze(sql);
        assertThat(analysis.kind()).as(sql).isEqualTo(Kind.UNCACHEABLE_READ);
        assertThat(analysis.bypassReason()).as(sql).isEqualTo(BypassReason.NON_DETERMINISTIC);
        assertThat(SqlAnalyzer.readsClock("now" + " ".repeat(10_000))).isTrue();
        assertThat(SqlAnalyzer.readsClock("x".repeat(300) + " now")).isFalse();
    }

    @Test
    void columnsCastToDatesAreStillCached() {
        assertThat(analyze("SELECT created::date, CAST(updated AS timestamp) FROM t").kind()).isEqualTo(Kind.QUERY);
    }

    @Test
    void catalogCastsAreCatalogReads() {
        SqlAnalysis regclass = analyze("SELECT 'items'::regclass::text");
        assertThat(regclass.bypassReason()).isEqualTo(BypassReason.SYSTEM_CATALOG);
        assertThat(analyze("SELECT CAST('public.items' AS regclass)").bypassReason())
                .isEqualTo(BypassReason.SYSTEM_CATALOG);
        assertThat(analyze("SELECT v::tenant_name, CAST(w AS app.money_t), mood 'happy' FROM t").castTypes())
                .contains("tenant_name", "money_t", "mood");
    }

    @Test
    void aStringAfterAPossibleSettingChangeInTheSameTextIsUnknown() {
        SqlAnalysis analysis = analyze("SET standard_conforming_strings = off; SELECT 'a\\' , ' AS x, bump() --'");
        assertThat(analysis.parts().get(1).kind()).isEqualTo(Kind.WRITE_UNKNOWN);
        assertThat(analyze("SET app.x = 'y'; SELECT 1").parts().get(1).kind()).isEqualTo(Kind.QUERY);
    }

    @Test
    void thousandsOfExplainsAreQuickAndHarmless() {
        long start = System.nanoTime();
        SqlAnalysis analysis = analyze("EXPLAIN ".repeat(20_000) + "SELECT 1");
        assertThat(analysis.kind()).isEqualTo(Kind.UNCACHEABLE_READ);
        assertThat((System.nanoTime() - start) / 1e9).isLessThan(5);
    }

    @Test
    void jdbcEscapesKeepTheirExactText() {
        assertThat(analyze("SELECT {fn ucase('a')}").normalizedSql())
                .isNotEqualTo(analyze("SELECT {fn\nucase('a')}").normalizedSql())
                .isNotEqualTo(analyze("SELECT {fn/**/ucase('a')}").normalizedSql());
    }

    @Test
    void operatorsAreListedForTheCatalogToJudge() {
        assertThat(analyze("SELECT * FROM t WHERE a % b = 1 AND c=-1").operators()).contains("%", "=", "-");
    }
    @Test
    void twoPhaseCommitEndsTheTransactionAndFinishingItWritesEverything() {
        assertThat(analyze("PREPARE TRANSACTION 'tx1'").kind()).isEqualTo(Kind.COMMIT);
        assertThat(analyze("PREPARE plan AS SELECT 1").kind()).isEqualTo(Kind.UNCACHEABLE_READ);
        for (String finish : List.of("COMMIT PREPARED 'tx1'", "ROLLBACK PREPARED 'tx1'")) {
            SqlAnalysis analysis = analyze(finish);
            assertThat(analysis.kind()).as(finish).isEqualTo(Kind.WRITE_UNKNOWN);
            assertThat(analysis.changesSchema()).as(finish).isTrue();
        }
    }

    @Test
    void clockInputsBuiltByACallOrJoinedAcrossANewlineAreNotCached() {
        for (String sql : List.of("SELECT reverse('won')::timestamptz", "SELECT concat('n', 'ow')::timestamptz",
                "SELECT format('%sow', 'n')::timestamp", "SELECT timestamptz 'n'\n'ow'",
                "SELECT timestamptz 'n' -- a comment\n'ow'", "SELECT 'to'\n'day'::date")) {
            assertThat(analyze(sql).kind()).as(sql).isEqualTo(Kind.UNCACHEABLE_READ);
        }
        // A cast of a call over a column, and strings that are not joined, stay cacheable.
        assertThat(analyze("SELECT lower(name)::text FROM t").kind()).isEqualTo(Kind.QUERY);
        assertThat(analyze("SELECT 'n', 'ow' FROM t").kind()).isEqualTo(Kind.QUERY);
    }

    @Test
    void aWriteMentionsTheRelationsItReads() {
        SqlAnalysis insert = analyze("INSERT INTO items SELECT v FROM bumping");
        assertThat(tables(insert)).containsExactly("public.items");
        assertThat(insert.relationsMentioned()).extracting(TableRef::name).contains("items", "bumping");
        assertThat(analyze("DELETE FROM items WHERE v IN (SELECT v FROM bumping)").relationsMentioned())
                .extracting(TableRef::name).contains("bumping");
    }

    @Test
    void caseInsensitiveIdentifiersFoldQuotedNamesToo() {
        assertThat(IdentifierCase.CASE_INSENSITIVE.apply("\"t\"")).isEqualTo("T");
        assertThat(IdentifierCase.CASE_INSENSITIVE.apply("t")).isEqualTo("T");
        assertThat(IdentifierCase.UPPER.apply("\"t\"")).isEqualTo("t");
    }
    @Test
    void subqueriesAndCallsInsideKeywordFormsAreSeen() {
        for (String form : List.of("SELECT substring(X FROM 1)", "SELECT overlay('abc' PLACING X FROM 2)",
                "SELECT position('x' IN X)", "SELECT string_agg(v::text, ',' ORDER BY X) FROM t",
                "SELECT count(*) OVER (PARTITION BY X) FROM t", "SELECT xmlexists('//a' PASSING BY REF X)")) {
            SqlAnalysis subquery = analyze(form.replace("X", "(SELECT max(w) FROM hidden)"));
            assertThat(subquery.kind()).as(form).isEqualTo(Kind.UNCACHEABLE_READ);
            assertThat(subquery.relationsMentioned()).as(form).extracting(TableRef::name).contains("hidden");
            assertThat(analyze(form.replace("X", "bump()")).functions()).as(form).contains("bump");
        }
        // Column lists of inserts, aliases and CTEs are no calls.
        assertThat(analyze("INSERT INTO t (a, b) VALUES (1, 2)").functions()).isEmpty();
        assertThat(analyze("SELECT n FROM generate_series(1, 3) AS g(n)").functions()).containsExactly("generate_series");
        assertThat(analyze("WITH c(a) AS (SELECT 1), d(b) AS (SELECT 2) SELECT * FROM c, d").functions()).isEmpty();
        assertThat(analyze("SELECT CAST(v AS varchar(10)), v::numeric(10, 2) FROM t").functions()).isEmpty();
    }

    @Test
    void onlyTheGrammarsTempMakesATemporaryTable() {
        for (String temporary : List.of("CREATE TEMP TABLE x (a int)", "CREATE LOCAL TEMPORARY TABLE x (a int)",
                "CREATE OR REPLACE TEMP VIEW v AS SELECT 1", "CREATE TABLE pg_temp.x (a int)",
                "SELECT 1 AS a INTO TEMP x", "SELECT 1 AS a INTO pg_temp.x")) {
            assertThat(analyze(temporary).kind()).as(temporary).isEqualTo(Kind.SESSION_CHANGE);
        }
        for (String ddl : List.of("CREATE POLICY temp ON docs USING (true)", "CREATE INDEX temp ON t (a)",
                "CREATE TABLE temp.items (a int)", "SELECT temp INTO x FROM t")) {
            assertThat(analyze(ddl).changesSchema()).as(ddl).isTrue();
        }
        assertThat(analyze("CREATE TEMP TABLE g AS WITH d AS (DELETE FROM t RETURNING v) SELECT * FROM d").kind())
                .isEqualTo(Kind.WRITE_UNKNOWN);
        assertThat(analyze("CREATE TEMP TABLE g AS SELECT bump()").functions()).contains("bump");
        assertThat(analyze("SELECT bump() AS x INTO TEMP scratch").functions()).contains("bump");
    }
}
