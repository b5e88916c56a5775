package io.jdbccache.internal.cache;

import static io.jdbccache.internal.cache.Keys.context;
import static io.jdbccache.internal.cache.Keys.h2;
import static io.jdbccache.internal.cache.Keys.key;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Keys and their contexts are equal by value: which instance built them never matters. */
class CacheKeyTest {

    private static final List<String> PATH = List.of("PUBLIC");

    @Test
    void contextsOfDistinctScopesOfOneDatabaseAreEqual() {
        DatabaseScope first = h2("jdbc:h2:mem:one");
        DatabaseScope second = h2("jdbc:h2:mem:one");
        assertThat(first).isNotSameAs(second);
        assertThat(first.sameDatabase(second)).isTrue();

        ConnectionContext a = context(first, "app", "app", PATH, "TimeZone=UTC", "ONE", "");
        ConnectionContext b = context(second, new String("app"), "app", List.of(new String("PUBLIC")),
                "TimeZone=UTC", "ONE", new String(""));
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(key(a, "SELECT ?", 0, 1)).isEqualTo(key(b, "SELECT ?", 0, 1))
                .hasSameHashCodeAs(key(b, "SELECT ?", 0, 1));
    }

    @Test
    void contextsDifferInEachField() {
        List<ConnectionContext> contexts = Keys.contextsDifferingInOneField(h2("jdbc:h2:mem:one"));
        ConnectionContext base = contexts.get(0);
        for (ConnectionContext other : contexts.subList(1, contexts.size())) {
            assertThat(other).isNotEqualTo(base);
            assertThat(base).isNotEqualTo(other);
            assertThat(key(other, "SELECT 1", 0)).isNotEqualTo(key(base, "SELECT 1", 0));
        }
    }

    @Test
    void keysDifferInSqlParametersAndRowLimit() {
        ConnectionContext context = context();
        CacheKey base = key(context, "SELECT ?", 0, 1);
        assertThat(key(context(), "SELECT ?", 0, 1)).isEqualTo(base);
        assertThat(key(context, "SELECT ? ", 0, 1)).isNotEqualTo(base);
        assertThat(key(context, "SELECT ?", 10, 1)).isNotEqualTo(base);
        assertThat(key(context, "SELECT ?", 0, 1L)).isNotEqualTo(base);
        assertThat(key(context, "SELECT ?", 0, 1, 1)).isNotEqualTo(base);
        assertThat(key(context, "SELECT ?", 0)).isNotEqualTo(base);
    }

    @Test
    void textNamesTheStatementButNoValue() {
        ConnectionContext context = context(h2("jdbc:h2:mem:one"), "app", "app", PATH, "app.tenant=secret-tenant",
                "ONE", "");
        CacheKey key = key(context, "SELECT * FROM t WHERE a = ? AND b = ?", 0, "secret-value",
                new BigDecimal("424242"));
        assertThat(key.toString()).contains("SELECT * FROM t WHERE a = ? AND b = ?", "2 parameters")
                .doesNotContain("secret", "424242");
        assertThat(context.toString()).doesNotContain("secret");
    }
}
