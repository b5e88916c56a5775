package io.jdbccache.internal.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdbccache.internal.sql.SqlAnalysis.Kind;
import io.jdbccache.internal.sql.TableRef.IdentifierCase;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SqlAnalyzerTest {

    private static SqlAnalysis analyze(String sql) {
        return SqlAnalyzer.analyze(sql, IdentifierCase.LOWER);
    }

    private static List<String> tables(SqlAnalysis analysis) {
        return analysis.tables().stream().map(t -> t.resolve(IdentifierCase.LOWER, "public"))
                .sorted().collect(Collectors.toList());
    }

    @Test
    void formattingCommentsAndKeywordCaseDoNotMakeTwoKeys() {
        String a = analyze("SELECT id, name FROM Products WHERE id = ?").normalizedSql();
        String b = analyze("select  id ,name\n  from products -- comment\n where id=?").normalizedSql();
        String c = analyze("/* hello */ Select Id,Name From PRODUCTS Where ID = ?;").normalizedSql();
        assertThat(a).isEqualTo(b).isEqualTo(c);
    }

    @Test
    void literalsAndQuotedIdentifiersKeepTheirCaseAndSpacing() {
        assertThat(analyze("select * from t where name = 'A  b'").normalizedSql())
                .isNotEqualTo(analyze("select * from t where name = 'a b'").normalizedSql());
        assertThat(analyze("select * from \"T\"").normalizedSql())
                .isNotEqualTo(analyze("select * from \"t\"").normalizedSql());
    }

    @Test
    void databasesWithCaseSensitiveIdentifiersKeepCase() {
        assertThat(SqlAnalyzer.analyze("select * from Foo", IdentifierCase.AS_IS).normalizedSql())
                .isNotEqualTo(SqlAnalyzer.analyze("select * from foo", IdentifierCase.AS_IS).normalizedSql());
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
        "VACUUM products",
        "GRANT SELECT ON products TO bob",
        "TRUNCATE products CASCADE",
        "this is not sql at all",
        "SELECT * INTO new_table FROM products WHERE",
    })
    void writesWithUnknownTablesInvalidateTheDatabase(String sql) {
        assertThat(analyze(sql).kind()).as(sql).isEqualTo(Kind.WRITE_UNKNOWN);
    }

    @Test
    void multipleStatementsAreAnalyzedOneByOne() {
        SqlAnalysis analysis = analyze("BEGIN; UPDATE products SET x = 1; DELETE FROM shop.orders; COMMIT AND CHAIN");
        assertThat(analysis.kind()).isEqualTo(Kind.MULTIPLE);
        assertThat(analysis.isWrite()).isTrue();
        assertThat(analysis.parts()).extracting(SqlAnalysis::kind)
                .containsExactly(Kind.BEGIN, Kind.WRITE, Kind.WRITE, Kind.COMMIT);
        assertThat(tables(analysis.parts().get(2))).containsExactly("shop.orders");
        assertThat(analysis.parts().get(3).chained()).isTrue();
        assertThat(analyze("COMMIT AND NO CHAIN").chained()).isFalse();
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
    void cteNamesAreKeptBecauseTheyMayShadowATable() {
        SqlAnalysis analysis = analyze("WITH orders AS (SELECT * FROM orders WHERE open) SELECT count(*) FROM orders");
        assertThat(analysis.cteNames()).extracting(TableRef::name).containsExactly("orders");
    }

    @Test
    void hiddenDataChangesInReadsAreWrites() {
        assertThat(analyze("SELECT v FROM FINAL TABLE (UPDATE items SET v = 2 WHERE id = 1)").isWrite()).isTrue();
        assertThat(analyze("EXPLAIN ANALYZE WITH d AS (DELETE FROM items RETURNING *) SELECT count(*) FROM d")
                .isWrite()).isTrue();
        assertThat(analyze("SELECT * FROM items FOR NO KEY UPDATE").isWrite()).isFalse();
    }

    @Test
    void bracketsAreArraysAndDoubleSlashIsAComment() {
        assertThat(analyze("SELECT ARRAY[']', '--'] FROM t WHERE v = 'one'").normalizedSql())
                .isNotEqualTo(analyze("SELECT ARRAY[']', '--'] FROM t WHERE v = 'two'").normalizedSql());
        assertThat(analyze("SELECT v FROM t // it's\nWHERE v <> 'ONE  TWO'").normalizedSql())
                .isNotEqualTo(analyze("SELECT v FROM t // it's\nWHERE v <> 'one two'").normalizedSql());
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
    })
    void uncacheableReadsAreBypassedWithAReason(String sql) {
        SqlAnalysis analysis = analyze(sql);
        assertThat(analysis.kind()).as(sql).isEqualTo(Kind.UNCACHEABLE_READ);
        assertThat(analysis.bypassReason()).isNotBlank();
    }

    @Test
    void functionCallsAreRecordedForTheRulesToJudge() {
        SqlAnalysis analysis = analyze("SELECT lower(name), now(), nextval('s'), my_fn(id) FROM products");
        assertThat(analysis.functions()).contains("lower", "now", "nextval", "my_fn");
        assertThat(DeterministicFunctions.isDeterministic("lower", java.util.Set.of())).isTrue();
        assertThat(DeterministicFunctions.isDeterministic("now", java.util.Set.of())).isFalse();
        assertThat(DeterministicFunctions.isDeterministic("my_fn", java.util.Set.of("my_fn"))).isTrue();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "BEGIN|BEGIN",
        "START TRANSACTION ISOLATION LEVEL SERIALIZABLE|BEGIN",
        "COMMIT|COMMIT",
        "END|COMMIT",
        "ROLLBACK|ROLLBACK",
        "ROLLBACK TO SAVEPOINT a|ROLLBACK_TO_SAVEPOINT",
        "SET search_path TO shop, public|SESSION_SCOPE_CHANGE",
        "SET ROLE reporting|SESSION_SCOPE_CHANGE",
        "SET SESSION AUTHORIZATION bob|SESSION_SCOPE_CHANGE",
        "SET SCHEMA 'shop'|SESSION_SCOPE_CHANGE",
        "RESET ALL|SESSION_SCOPE_CHANGE",
        "SET TIME ZONE 'UTC'|SESSION_SETTING",
        "SET DateStyle = ISO|SESSION_SETTING",
        "SET application_name = 'x'|UNCACHEABLE_READ",
        "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE|SESSION_SCOPE_CHANGE",
        "SET default_transaction_isolation = 'repeatable read'|SESSION_SCOPE_CHANGE",
        "SET LOCAL TimeZone = 'UTC'|TRANSACTION_SCOPE_CHANGE",
        "SELECT 1 INTO TEMP t|SESSION_SCOPE_CHANGE",
        "DISCARD ALL|SESSION_SCOPE_CHANGE",
        "CREATE TEMP TABLE products (id int)|SESSION_SCOPE_CHANGE",
        "CREATE LOCAL TEMPORARY TABLE t (id int)|SESSION_SCOPE_CHANGE",
        "SHOW search_path|UNCACHEABLE_READ",
        "SET AUTOCOMMIT OFF|AUTOCOMMIT_CHANGE",
    })
    void transactionControlAndSessionChangesAreRecognized(String sql, Kind kind) {
        assertThat(analyze(sql).kind()).as(sql).isEqualTo(kind);
    }

    @Test
    void unterminatedLiteralIsTreatedAsUnknownWrite() {
        assertThat(analyze("SELECT 'oops FROM t").kind()).isEqualTo(Kind.WRITE_UNKNOWN);
    }

    @Test
    void dollarQuotedAndEscapeStringsAreLiterals() {
        String a = analyze("SELECT $tag$ a -- not a comment $tag$ FROM t").normalizedSql();
        assertThat(a).contains("$tag$ a -- not a comment $tag$");
        String b = analyze("SELECT E'it\\'s' FROM t").normalizedSql();
        assertThat(b).contains("E'it\\'s'");
    }
}
