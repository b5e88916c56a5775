package io.jdbccache.internal.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.Date;
import java.sql.JDBCType;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.Calendar;
import java.util.List;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;

/** Key parts are values: equal by content, never by instance, and they never print what was bound. */
class ParameterValuesTest {

    @Test
    void equalBindingsMakeEqualPartsFromDistinctObjects() {
        assertThat(ParameterValues.of(new byte[] {1, 2})).isEqualTo(ParameterValues.of(new byte[] {1, 2}))
                .hasSameHashCodeAs(ParameterValues.of(new byte[] {1, 2}));
        assertThat(ParameterValues.of(new Timestamp(5_000))).isEqualTo(ParameterValues.of(new Timestamp(5_000)));
        assertThat(ParameterValues.typed(new BigDecimal("1.0"), Types.NUMERIC, 2))
                .isEqualTo(ParameterValues.typed(new BigDecimal("1.0"), Types.NUMERIC, 2));
        assertThat(ParameterValues.nullOf(Types.INTEGER, null)).isEqualTo(ParameterValues.nullOf(Types.INTEGER, null));
        assertThat(ParameterValues.nullSetBy("setBytes")).isEqualTo(ParameterValues.nullSetBy(new String("setBytes")));
        assertThat(ParameterValues.withCalendar(new Date(0), calendar("UTC")))
                .isEqualTo(ParameterValues.withCalendar(new Date(0), calendar("UTC")));
    }

    @Test
    void bindingsOfDifferentTypesMakeDifferentParts() {
        List<Object> parts = List.of(ParameterValues.of(1), ParameterValues.of(1L), ParameterValues.of("1"),
                ParameterValues.national("1"), ParameterValues.of(new BigDecimal("1")),
                ParameterValues.of(new BigDecimal("1.0")), ParameterValues.typed(1, Types.BIGINT, -1),
                ParameterValues.typed(1, JDBCType.BIGINT.getVendor() + "." + JDBCType.BIGINT.getName(), -1),
                ParameterValues.of(new Date(0)), ParameterValues.of(new Time(0)), ParameterValues.of(new Timestamp(0)),
                ParameterValues.withCalendar(new Timestamp(0), calendar("UTC")),
                ParameterValues.withCalendar(new Timestamp(0), calendar("Europe/Paris")),
                ParameterValues.nullOf(Types.INTEGER, null), ParameterValues.nullOf(Types.VARCHAR, null),
                ParameterValues.nullSetBy("setString"), ParameterValues.nullSetBy("setBytes"));
        assertThat(parts).doesNotHaveDuplicates();
    }

    @Test
    void mutatingABoundValueLeavesThePartAlone() {
        byte[] bytes = {1, 2};
        Timestamp timestamp = new Timestamp(5_000);
        Object bytesPart = ParameterValues.of(bytes);
        Object timestampPart = ParameterValues.of(timestamp);
        bytes[0] = 9;
        timestamp.setTime(6_000);
        assertThat(bytesPart).isEqualTo(ParameterValues.of(new byte[] {1, 2}));
        assertThat(timestampPart).isEqualTo(ParameterValues.of(new Timestamp(5_000)));
    }

    @Test
    void partsNeverPrintTheirValue() {
        List<Object> parts = List.of(ParameterValues.national("secret-value"),
                ParameterValues.typed("secret-value", Types.VARCHAR, -1),
                ParameterValues.typed(new BigDecimal("424242"), Types.NUMERIC, 0),
                ParameterValues.of(new Timestamp(424242)),
                ParameterValues.withCalendar(new Timestamp(424242), calendar("UTC")),
                ParameterValues.of("secret-value".getBytes()), ParameterValues.nullOf(Types.VARCHAR, "text"));
        for (Object part : parts) {
            assertThat(part.toString()).doesNotContain("secret", "424242", "1970");
        }
    }

    private static Calendar calendar(String zone) {
        return Calendar.getInstance(TimeZone.getTimeZone(zone));
    }
}
