package io.jdbccache.internal.catalog;

import java.util.List;
import java.util.Set;

/**
 * What the row-level-security policies of one table that apply to reads depend on. A result read under them
 * depends on the tables they read (dependencies) and on the settings they read (part of the key, read back with
 * the session state); it can be cached only if every function they call is one the driver can vouch for.
 *
 * @param calls         the functions, operators and casts the policies use
 * @param settingsRead  settings read with {@code current_setting('<name>')}
 * @param reads         relations the policies read ({@code schema.name}), from the catalog's dependency graph
 * @param notAnalyzable why the policies cannot be keyed (unparseable, a setting read by a computed name...), or null
 */
public record RowSecurity(Calls calls, Set<String> settingsRead, List<String> reads, String notAnalyzable) {
    /** Row-level security is not enabled (or does not apply): nothing to add. */
    public static final RowSecurity NONE = new RowSecurity(Calls.NONE, Set.of(), List.of(), null);

    public RowSecurity {
        settingsRead = Set.copyOf(settingsRead);
        reads = List.copyOf(reads);
    }

    public boolean enabled() {
        return this != NONE;
    }
}
