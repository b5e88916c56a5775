package io.jdbccache;

import java.beans.ConstructorProperties;

/**
 * Statistics of one table of one database, an immutable snapshot (exposed over JMX as composite data).
 */
public final class TableStatistics {
    private final String database;
    private final String table;
    private final long readsServed;
    private final long writesSeen;
    private final long invalidations;
    private final int dependentEntries;

    @ConstructorProperties({"database", "table", "readsServed", "writesSeen", "invalidations",
        "dependentEntries"})
    public TableStatistics(String database, String table, long readsServed, long writesSeen, long invalidations,
            int dependentEntries) {
        this.database = database;
        this.table = table;
        this.readsServed = readsServed;
        this.writesSeen = writesSeen;
        this.invalidations = invalidations;
        this.dependentEntries = dependentEntries;
    }

    /** The database's URL without parameters. */
    public String getDatabase() {
        return database;
    }

    /** {@code schema.table} as the database stores it. */
    public String getTable() {
        return table;
    }

    /** Cache hits that read this table. */
    public long getReadsServed() {
        return readsServed;
    }

    /** Write statements to this table through the driver. */
    public long getWritesSeen() {
        return writesSeen;
    }

    /** Version bumps (before and after each write, and at commit). */
    public long getInvalidations() {
        return invalidations;
    }

    /** Point-in-time: cached entries that read this table. */
    public int getDependentEntries() {
        return dependentEntries;
    }

    @Override
    public String toString() {
        return table + "[reads=" + readsServed + ", writes=" + writesSeen + ", invalidations=" + invalidations
                + ", entries=" + dependentEntries + "]";
    }
}
