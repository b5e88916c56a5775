package io.jdbccache.internal.cache;

/**
 * The versions of the tables a read depends on, taken before the read went to the database. A result stored under
 * these stamps is served only while none of them has moved, which closes the classic cache-aside race: a write
 * that commits during the read bumps a version, so the possibly stale result is never served.
 */
public final class ReadStamp {
    private final TableVersion[] dependencies;
    private final long[] stamps;
    /** See {@link #ids()}; a race merely makes it twice. */
    private volatile StampId[] ids;

    private ReadStamp(TableVersion[] dependencies, long[] stamps) {
        this.dependencies = dependencies;
        this.stamps = stamps;
    }

    /** Takes the stamps now; the database-wide stamp is among them (see ReadPlan). */
    public static ReadStamp take(TableVersion[] dependencies) {
        long[] stamps = new long[dependencies.length];
        for (int i = 0; i < dependencies.length; i++) {
            stamps[i] = dependencies[i].current();
        }
        return new ReadStamp(dependencies, stamps);
    }

    /** The stamps' names apart from this JVM, for a second tier: made on first use, as only a tier needs them. */
    StampId[] ids() {
        StampId[] made = ids;
        if (made == null) {
            made = new StampId[dependencies.length];
            for (int i = 0; i < made.length; i++) {
                made[i] = dependencies[i].id();
            }
            ids = made;
        }
        return made;
    }

    TableVersion[] dependencies() {
        return dependencies;
    }

    long[] stamps() {
        return stamps;
    }

    /** True if no transaction holds uncommitted writes to any of the tables now. */
    boolean noUncommittedWrites() {
        for (TableVersion dependency : dependencies) {
            if (dependency.hasUncommittedWrites()) {
                return false;
            }
        }
        return true;
    }

    /** True while none of the tables has been written since the stamps were taken. */
    public boolean isCurrent() {
        for (int i = 0; i < dependencies.length; i++) {
            if (dependencies[i].current() != stamps[i]) {
                return false;
            }
        }
        return true;
    }
}
