package io.jdbccache.internal.config;

import java.time.Duration;
import java.util.Locale;

/** Parses the human-friendly sizes and durations used in configuration values. */
final class Sizes {
    private Sizes() {
    }

    /** Parses {@code 65536}, {@code 512KB}, {@code 64MB}, {@code 1GB} (binary multiples); -1 if malformed. */
    static long parseBytes(String text) {
        String value = text.trim().toUpperCase(Locale.ROOT).replace("_", "");
        long multiplier = 1;
        String[][] units = {{"KB", "1024"}, {"MB", "1048576"}, {"GB", "1073741824"}, {"K", "1024"},
            {"M", "1048576"}, {"G", "1073741824"}, {"B", "1"}};
        for (String[] unit : units) {
            if (value.endsWith(unit[0])) {
                multiplier = Long.parseLong(unit[1]);
                value = value.substring(0, value.length() - unit[0].length()).trim();
                break;
            }
        }
        try {
            long number = Long.parseLong(value);
            return number < 0 ? -1 : Math.multiplyExact(number, multiplier);
        } catch (NumberFormatException | ArithmeticException e) {
            return -1;
        }
    }

    /** Parses {@code 0}, {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d}; null if malformed. */
    static Duration parseDuration(String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        if (value.equals("0")) {
            return Duration.ZERO;
        }
        String[] units = {"ms", "s", "m", "h", "d"};
        for (String unit : units) {
            if (value.endsWith(unit)) {
                String number = value.substring(0, value.length() - unit.length()).trim();
                try {
                    long amount = Long.parseLong(number);
                    if (amount < 0) {
                        return null;
                    }
                    switch (unit) {
                        case "ms": return Duration.ofMillis(amount);
                        case "s": return Duration.ofSeconds(amount);
                        case "m": return Duration.ofMinutes(amount);
                        case "h": return Duration.ofHours(amount);
                        default: return Duration.ofDays(amount);
                    }
                } catch (NumberFormatException e) {
                    return null;
                }
            }
        }
        return null;
    }
}
