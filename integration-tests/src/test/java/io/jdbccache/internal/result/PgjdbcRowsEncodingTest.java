package io.jdbccache.internal.result;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * pgjdbc's rows, as a shared tier will carry them: encoded without any class name, decoded, and opened by pgjdbc on
 * another connection, they read exactly as the originals (text and binary formats alike). Needs PostgreSQL on
 * 127.0.0.1:5432 and fails without it.
 */
class PgjdbcRowsEncodingTest {
    private static final String URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
    private static final String SQL = "SELECT i, i::text AS t, i * 1.5 AS n, now() - i * interval '1 day' AS ts,"
            + " (i % 2 = 0) AS b, CASE WHEN i = 3 THEN NULL ELSE decode(repeat('ff', i), 'hex') END AS bytes,"
            + " gen_random_uuid() IS NOT NULL AS u, ARRAY[i]::text AS a FROM generate_series(1, ?) AS g(i)";

    @Test
    void rowsSurviveTheirEncodingInTextAndBinaryFormats() throws SQLException {
        try (Connection miss = DriverManager.getConnection(URL + "&prepareThreshold=1");
                Connection hit = DriverManager.getConnection(URL);
                Statement missFactory = miss.createStatement(); Statement hitFactory = hit.createStatement()) {
            for (int execution = 0; execution < 3; execution++) { // the later ones are server-prepared: binary
                try (PreparedStatement query = miss.prepareStatement(SQL)) {
                    query.setInt(1, 5);
                    ResultSnapshot original;
                    try (ResultSet live = query.executeQuery()) {
                        Materialization m = ResultMaterializer.materialize(live, null, 100, 1 << 20, missFactory);
                        original = ((Materialization.Complete) m).snapshot();
                    }
                    assertThat(original.driverRows()).isInstanceOf(PgjdbcRows.class);
                    byte[] bytes = original.toBytes();
                    assertThat(bytes).isNotNull();
                    // No driver class is named (getColumnClassName's text is metadata, never loaded by the decoder).
                    assertThat(new String(bytes, StandardCharsets.ISO_8859_1))
                            .doesNotContain("org.postgresql");
                    ResultSnapshot copy = ResultSnapshot.fromBytes(bytes);
                    assertThat(copy.toBytes()).isEqualTo(bytes);
                    assertThat(copy.estimatedBytes()).isEqualTo(original.estimatedBytes());
                    assertThat(read(copy, hitFactory)).isEqualTo(read(original, missFactory)).hasSize(5);
                    for (int n = 0; n < bytes.length; n++) {
                        byte[] truncated = Arrays.copyOf(bytes, n);
                        assertThatThrownBy(() -> ResultSnapshot.fromBytes(truncated))
                                .isInstanceOf(IllegalArgumentException.class);
                    }
                }
            }
        }
    }

    /**
     * The misses of one statement share their field descriptions while pgjdbc describes the columns alike, and get
     * copies of their own once it switches the statement to binary results (in place, in its live fields): every
     * entry reads as it did when captured, the text ones too after the switch.
     */
    @Test
    void capturesShareFieldDescriptionsOnlyWhileTheyReadTheSame() throws SQLException {
        try (Connection c = DriverManager.getConnection(URL + "&prepareThreshold=3");
                Statement factory = c.createStatement(); PreparedStatement query = c.prepareStatement(SQL)) {
            List<ResultSnapshot> snapshots = new ArrayList<>();
            List<List<String>> readThen = new ArrayList<>();
            ResultSnapshot last = null;
            for (int execution = 1; execution <= 6; execution++) {
                query.setInt(1, 4);
                try (ResultSet live = query.executeQuery()) {
                    Materialization m = ResultMaterializer.materialize(live, last == null ? null : last.columns(),
                            last == null ? null : last.driverColumns(), 100, 1 << 20, factory);
                    last = ((Materialization.Complete) m).snapshot();
                }
                snapshots.add(last);
                readThen.add(read(last, factory));
            }
            // Executions 1-2 in text; pgjdbc prepares on the server at the third and reads binary from then on.
            assertThat(snapshots.get(1).driverColumns()).isSameAs(snapshots.get(0).driverColumns());
            assertThat(snapshots.get(1).columns()).isEqualTo(snapshots.get(0).columns());
            assertThat(snapshots.get(5).driverColumns()).isSameAs(snapshots.get(4).driverColumns())
                    .isNotSameAs(snapshots.get(0).driverColumns());
            // A shared copy is counted once, by the entry that made it.
            assertThat(snapshots.get(1).estimatedBytes()).isLessThan(snapshots.get(0).estimatedBytes());
            for (int i = 0; i < snapshots.size(); i++) {
                assertThat(read(snapshots.get(i), factory)).as("entry %d read again", i + 1).isEqualTo(readThen.get(i));
            }
        }
    }

    private static List<String> read(ResultSnapshot snapshot, Statement factory) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (ResultSet rs = snapshot.driverRows().open(factory, 0, ResultSet.FETCH_FORWARD)) {
            int columns = snapshot.columnCount();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= columns; i++) {
                    Object value = rs.getObject(i);
                    row.append(value instanceof byte[] b ? Arrays.toString(b) : String.valueOf(value))
                            // pgjdbc's getString of a binary bytea is the array's identity: compare its form only.
                            .append(" | ").append(String.valueOf(rs.getString(i)).replaceAll("^\\[B@\\p{XDigit}+$", "[B@"))
                            .append(" | ").append(rs.wasNull()).append("; ");
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }
}
