package io.jdbccache.internal.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdbccache.internal.catalog.Dialect;
import io.jdbccache.internal.sql.SqlSyntax;
import java.sql.Connection;
import java.sql.DriverManager;
import org.junit.jupiter.api.Test;

/** The parse results kept per database are bounded by bytes as well as by count. */
class AnalysisCacheBoundTest {

    private static Dialect h2() throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:h2:mem:")) {
            return Dialect.of(connection.getMetaData());
        }
    }

    /** A distinct statement of about {@code kilobytes} KB (a long literal: large to keep, cheap to parse). */
    private static String statement(int seed, int kilobytes) {
        return "SELECT * FROM t WHERE note = '" + seed + "x".repeat(kilobytes * 1024) + "'";
    }

    @Test
    void hugeDistinctStatementsAreBoundedByBytes() throws Exception {
        DatabaseScope scope = new DatabaseScope("jdbc:h2:mem:bound", h2(), 10_000, 2L << 20, 0);
        for (int i = 0; i < 400; i++) {
            scope.analyze(statement(i, 60), SqlSyntax.H2);
        }
        // 2 MB of 60 KB statements (each weighed at about twice its text: the text and its canonical form).
        assertThat(scope.analysesHeld()).isBetween(5L, 20L);
        assertThat(scope.analysisBytesHeld()).isBetween(1L << 19, 2L << 20);
    }

    @Test
    void smallStatementsAreBoundedByCount() throws Exception {
        DatabaseScope scope = new DatabaseScope("jdbc:h2:mem:count", h2(), 100, 32L << 20, 0);
        for (int i = 0; i < 1_000; i++) {
            scope.analyze("SELECT * FROM t WHERE id = " + i, SqlSyntax.H2);
        }
        assertThat(scope.analysesHeld()).isBetween(50L, 100L);
        // The estimate of what is kept, not the floor (bound / count) that enforces the count: about 512 + 2 x 28.
        assertThat(scope.analysisBytesHeld()).isBetween(50L * 512, 100L * 1024);
    }

    @Test
    void theCountBoundHoldsWhenTheBytesDoNotDivideByIt() throws Exception {
        // 600,999 / 1,000 leaves a remainder larger than the floor of 600 bytes each small analysis is weighed at.
        DatabaseScope scope = new DatabaseScope("jdbc:h2:mem:remainder", h2(), 1_000, 600_999, 0);
        for (int i = 0; i < 1_100; i++) {
            scope.analyze("SELECT * FROM t WHERE id = " + i, SqlSyntax.H2);
        }
        assertThat(scope.analysesHeld()).isBetween(900L, 1_000L);
    }
}
