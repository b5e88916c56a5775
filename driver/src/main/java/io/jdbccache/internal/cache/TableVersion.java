package io.jdbccache.internal.cache;

import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.Collections;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The version stamp of one table (or of a whole database): a counter bumped before and after every write that may
 * change it. A cached entry remembers the stamps it was read under and is current only while all are unchanged, so
 * a write invalidates in O(1) and a reader that raced with a write can never store a result that is later served.
 * The dependents set lets the store later remove the entries a write made unservable, to free their memory
 * ({@code ResultCache.drainCleanups}).
 */
public final class TableVersion {

    /** What a stamp stands for: which writes bump it and which reads depend on it. */
    public enum Kind {
        /** The whole database: writes to unknown tables, DDL; every entry depends on it. */
        DATABASE,
        /** One table: every write to it. */
        TABLE,
        /** "Some row of the table, which one unknown": writes not by key; reads by key depend on it. */
        ANY_ROW,
        /** One row of the table, by integer primary key. */
        ROW
    }

    private final String database;
    private final String name;
    private final Kind kind;
    /** Made on first use: only a tier or a listener needs it. */
    private volatile StampId id;
    /** The row's key, for {@link Kind#ROW}; 0 otherwise. */
    private final long rowKey;
    /** Set while this table's dropped entries wait to be removed from the store (see ResultCache). */
    final AtomicBoolean cleanupPending = new AtomicBoolean();
    private final AtomicLong version = new AtomicLong();
    // A single row's stamp is created per key read or written, so it carries only its counters: no dependents set
    // (its entries leave when read, evicted or expired) and no statistics.
    private final Set<CacheKey> dependents;
    private final LongAdder writesSeen;
    private final LongAdder invalidations;
    private final AtomicInteger openTransactionWriters;

    /** Stamp of "some row, which one unknown": bumped by writes not by key; reads by key depend on it. */
    private volatile TableVersion anyRow;
    /**
     * Stamps of single rows by integer key, for reads and writes by primary key. Weak values: a row's stamp lives
     * while an entry holds it, and one that is collected had no entry left to invalidate.
     */
    private volatile ConcurrentMap<Long, TableVersion> rows;

    /**
     * The stamp of a table, or with {@code name} {@code *} of the whole database.
     *
     * @param database the identity of the database the table belongs to
     */
    TableVersion(String database, String name) {
        this(database, name, "*".equals(name) ? Kind.DATABASE : Kind.TABLE, 0);
    }

    private TableVersion(String database, String name, Kind kind, long rowKey) {
        this.database = database;
        this.name = name;
        this.kind = kind;
        this.rowKey = rowKey;
        boolean singleRow = kind == Kind.ROW;
        this.dependents = singleRow ? Collections.emptySet() : ConcurrentHashMap.newKeySet();
        this.writesSeen = singleRow ? null : new LongAdder();
        this.invalidations = singleRow ? null : new LongAdder();
        this.openTransactionWriters = new AtomicInteger();
    }

    /** False for a single row's stamp, whose entries are not tracked for eager removal. */
    boolean keepsDependents() {
        return writesSeen != null && !isDatabaseWide();
    }

    /** True for the any-row and single-row stamps (statistics count table-level invalidations only). */
    boolean isRowLevel() {
        return kind == Kind.ANY_ROW || kind == Kind.ROW;
    }

    /** The identity of the database this stamp belongs to. */
    public String database() {
        return database;
    }

    /** This stamp's name apart from this JVM (made once, on first use). */
    public StampId id() {
        StampId made = id;
        if (made == null) {
            made = new StampId(database, kind, name, rowKey);
            id = made;
        }
        return made;
    }

    /** @return what this stamp stands for */
    public Kind kind() {
        return kind;
    }

    /** @return the row's integer primary key for a {@link Kind#ROW} stamp, else 0 */
    public long rowKey() {
        return rowKey;
    }

    /** The stamp that writes to unknown rows of this table bump. */
    public TableVersion anyRow() {
        TableVersion version = anyRow;
        if (version == null) {
            synchronized (this) {
                version = anyRow;
                if (version == null) {
                    version = new TableVersion(database, name, Kind.ANY_ROW, 0);
                    anyRow = version;
                }
            }
        }
        return version;
    }

    /** The any-row stamp if one was made, else null (see {@link DatabaseScope#existingStamp}). */
    TableVersion existingAnyRow() {
        return anyRow;
    }

    /** The stamp of the row with this key if one is alive, else null (see {@link DatabaseScope#existingStamp}). */
    TableVersion existingRow(long key) {
        ConcurrentMap<Long, TableVersion> map = rows;
        return map == null ? null : map.get(key);
    }

    /** The stamp of the row with this integer primary key. */
    public TableVersion row(long key) {
        ConcurrentMap<Long, TableVersion> map = rows;
        if (map == null) {
            synchronized (this) {
                map = rows;
                if (map == null) {
                    map = Caffeine.newBuilder().weakValues()
                            .executor(Runnable::run).<Long, TableVersion>build().asMap();
                    rows = map;
                }
            }
        }
        TableVersion version = map.get(key);
        return version != null ? version : map.computeIfAbsent(key, k -> new TableVersion(database, name, Kind.ROW, k));
    }

    /**
     * The resolved table name ({@code schema.table}) of a table, any-row or row stamp, or {@code *} for the
     * database-wide stamp.
     */
    public String name() {
        return name;
    }

    /** The database-wide stamp keeps no dependents: every entry depends on it, and it is cleared by a scan. */
    boolean isDatabaseWide() {
        return kind == Kind.DATABASE;
    }

    /** For diagnostics: the name with the kind and the version ({@code public.items row 5@3}). */
    @Override
    public String toString() {
        String stamp = switch (kind) {
            case DATABASE, TABLE -> name;
            case ANY_ROW -> name + " any row";
            case ROW -> name + " row " + rowKey;
        };
        return stamp + "@" + version.get();
    }

    long current() {
        return version.get();
    }

    void bump() {
        version.incrementAndGet();
        if (invalidations != null) {
            invalidations.increment();
        }
    }

    /** Counts a completed write statement to this table (statistics only). */
    public void recordWrite() {
        if (writesSeen != null) {
            writesSeen.increment();
        }
    }

    /** Write statements to this table seen through the driver. */
    public long writesSeen() {
        return writesSeen == null ? 0 : writesSeen.sum();
    }

    /** Version bumps: a write counts before and after it runs, and again at commit. */
    public long invalidations() {
        return invalidations == null ? 0 : invalidations.sum();
    }

    /** Cached entries currently depending on this table, reads by key included. */
    public int dependentEntries() {
        TableVersion keyed = anyRow;
        return dependents.size() + (keyed == null ? 0 : keyed.dependents.size());
    }

    void resetStatistics() {
        if (writesSeen == null) {
            return;
        }
        writesSeen.reset();
        invalidations.reset();
    }

    /** Marks one more open transaction as having uncommitted writes to this table. */
    public void transactionWriteStarted() {
        openTransactionWriters.incrementAndGet();
    }

    /** The transaction that wrote this table has committed or rolled back. */
    public void transactionWriteEnded() {
        openTransactionWriters.decrementAndGet();
    }

    /** True while some transaction holds uncommitted writes to this table: its readers' results are not stored. */
    boolean hasUncommittedWrites() {
        return openTransactionWriters.get() > 0;
    }

    Set<CacheKey> dependents() {
        return dependents;
    }
}
