package io.jdbccache.internal.result;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Date;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SnapshotCodecTest {

    private static final Object[] EVERY_TYPE = {
            null, "", "héllo ✓ 𝄞", 0, Integer.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE, (short) -5, (byte) 7, true, false,
            -0.0d, Double.NaN, 1e-300, Float.MAX_VALUE, new BigDecimal("-12345678901234567890.0000000001"),
            new BigDecimal("1E+20"), new BigInteger("-98765432109876543210987654321"), new byte[0], new byte[] {1, -1},
            Date.valueOf("1900-01-01"), Time.valueOf("23:59:59"), Timestamp.valueOf("2262-04-11 23:47:16.854775807"),
            new UUID(-1, 42), LocalDate.MIN, LocalTime.MAX, LocalDateTime.of(2024, 2, 29, 1, 2, 3, 4),
            OffsetDateTime.of(2024, 2, 29, 1, 2, 3, 4, ZoneOffset.ofHoursMinutes(5, 30)),
            OffsetTime.of(1, 2, 3, 4, ZoneOffset.MIN), Instant.ofEpochSecond(-1, 999_999_999)};

    private static ResultSnapshot everyType() {
        ColumnInfo[] columns = new ColumnInfo[EVERY_TYPE.length];
        String[] texts = new String[EVERY_TYPE.length];
        for (int i = 0; i < columns.length; i++) {
            columns[i] = new ColumnInfo(i % 2 == 0 ? "" : "cat", "s", "t", "n" + i, "L" + i, Types.OTHER - i, "T" + i, "C" + i,
                    i, -i, i * 3, i % 3, i % 2 == 0, i % 3 == 0, true, false, i % 5 == 0, true, false, i % 7 == 0);
            texts[i] = i % 4 == 0 ? "text" + i : null;
        }
        return ResultSnapshot.of(columns, EVERY_TYPE.clone(), texts, 1);
    }

    @Test
    void roundTripKeepsEveryValueAndColumnProperty() {
        ResultSnapshot original = everyType();
        byte[] bytes = original.toBytes();
        assertThat(bytes).isNotNull();
        assertThat(bytes[0]).isEqualTo(SnapshotCodec.VERSION);
        ResultSnapshot copy = ResultSnapshot.fromBytes(bytes);
        assertThat(copy.columns()).containsExactly(original.columns());
        assertThat(copy.rowCount()).isEqualTo(1);
        assertThat(copy.texts).containsExactly(original.texts);
        for (int i = 0; i < EVERY_TYPE.length; i++) {
            Object expected = EVERY_TYPE[i];
            Object actual = copy.values[i];
            assertThat(ResultSetFidelityChecker.equal(expected, actual)).as("value %d: %s vs %s", i, expected, actual).isTrue();
        }
        assertThat(copy.estimatedBytes()).isEqualTo(original.estimatedBytes());
        assertThat(copy.toBytes()).isEqualTo(bytes);
    }

    @Test
    void roundTripOfManyRowsWithoutTexts() {
        ResultSnapshot original = TestData.rows(500);
        ResultSnapshot copy = ResultSnapshot.fromBytes(original.toBytes());
        assertThat(copy.values).containsExactly(original.values);
        assertThat(copy.texts).isNull();
        assertThat(copy.indexOf("name")).isEqualTo(2);
    }

    @Test
    void valuesWithoutATagAreNotEncoded() {
        ColumnInfo[] columns = {TestData.column("X", Types.OTHER, "OTHER")};
        assertThat(ResultSnapshot.of(columns, new Object[] {new StringBuilder("x")}, null, 1).toBytes()).isNull();
        assertThat(ResultSnapshot.of(columns, new Object[] {new Timestamp(0) { }}, null, 1).toBytes()).isNull();
        assertThat(ResultSnapshot.of(columns, new Object[] {"bad \uD800 surrogate"}, null, 1).toBytes()).isNull();
    }

    @Test
    void malformedInputOnlyEverThrowsIllegalArgumentException() {
        byte[] good = everyType().toBytes();
        assertThatThrownBy(() -> ResultSnapshot.fromBytes(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ResultSnapshot.fromBytes(new byte[0])).isInstanceOf(IllegalArgumentException.class);
        byte[] otherVersion = good.clone();
        otherVersion[0] = (byte) (SnapshotCodec.VERSION + 1);
        assertThatThrownBy(() -> ResultSnapshot.fromBytes(otherVersion)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("version");
        byte[] trailing = Arrays.copyOf(good, good.length + 1);
        assertThatThrownBy(() -> ResultSnapshot.fromBytes(trailing)).isInstanceOf(IllegalArgumentException.class);
        for (int n = 0; n < good.length; n++) {
            byte[] truncated = Arrays.copyOf(good, n);
            assertThatThrownBy(() -> ResultSnapshot.fromBytes(truncated)).isInstanceOf(IllegalArgumentException.class);
        }
        Random random = new Random(42);
        int decoded = 0;
        for (int round = 0; round < 20_000; round++) {
            byte[] corrupt = good.clone();
            for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                corrupt[random.nextInt(corrupt.length)] ^= (byte) (1 << random.nextInt(8));
            }
            try {
                ResultSnapshot.fromBytes(corrupt);
                decoded++; // a flip inside a payload can still be a valid encoding
            } catch (IllegalArgumentException expected) {
                // fine
            }
        }
        assertThat(decoded).isLessThan(20_000);
        byte[] huge = {SnapshotCodec.VERSION, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F};
        assertThatThrownBy(() -> ResultSnapshot.fromBytes(huge)).isInstanceOf(IllegalArgumentException.class);
    }
}
