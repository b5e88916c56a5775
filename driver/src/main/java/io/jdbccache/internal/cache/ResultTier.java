package io.jdbccache.internal.cache;

/**
 * A second result store under the in-process one, typically shared by many instances (Redis). The in-process store
 * asks it after its own miss and before the database, stores into it what it stores itself, and tells it of every
 * invalidation (it is an {@link InvalidationListener}). Modelled on Hibernate ORM's {@code StorageAccess} plus
 * {@code TimestampsCache}: the tier keeps its own version of each stamp, and an entry is current only while the
 * versions it was read under are still the tier's.
 *
 * <p>Contract, relied on by {@link ResultCache} for consistency:
 * <ul>
 *   <li>{@link #versions} is taken before the read that fills an entry goes to the database; {@link #store} keeps
 *       the entry only if none of those versions moved since (a write that overlapped the read);</li>
 *   <li>{@link #lookup} returns an entry only while all of its stamps' versions are unchanged;</li>
 *   <li>{@link #invalidated} moves the versions of the events' stamps before the cache moves its own, so no reader
 *       can see a new local stamp with an old tier version once the write ran. A tier may ignore
 *       {@link InvalidationEvent.Phase#BEFORE_WRITE} events: the same write's later event (after it ran, or when its
 *       transaction ends) moves the same stamps, or the whole database, tier first; what a reader stored or
 *       promoted meanwhile under an early local stamp beside unmoved versions becomes unservable with them (the
 *       Redis tier sends nothing before a write, docs/redis.md "The write protocol");</li>
 *   <li>no method throws: a tier that fails answers as if empty (a shared tier failing never fails a query).</li>
 * </ul>
 * A tier shared across JVMs must also refuse databases whose identity is local to one process (H2 in memory), and
 * carry what this seam leaves per JVM (see docs/design.md, "Consistency and limitations").
 * Every method may be called by many threads at once.
 */
public interface ResultTier extends InvalidationListener {
    /** The tier's current versions of {@code stamps}, in order; null if the tier cannot tell (nothing is stored). */
    long[] versions(StampId[] stamps);

    /**
     * The entry stored under {@code key} if all its stamps' versions are still current, else null.
     *
     * @param expected the stamps of the reader's plan, which an entry of the same rules carries: a tier may read
     *                 their versions together with the entry (one round trip instead of two), and must read the
     *                 entry's own stamps' versions when they differ
     */
    TierEntry lookup(CacheKey key, StampId[] expected);

    /** Stores {@code entry} under {@code key}, unless one of its versions moved since they were taken. */
    void store(CacheKey key, TierEntry entry);

    /** Forgets the entry under {@code key}, if any. */
    void remove(CacheKey key);

    /**
     * Connects the cache to the events other instances publish: the tier calls {@code subscriber} with them, and
     * never with the events this cache itself published.
     */
    void subscribe(InvalidationListener subscriber);

    /**
     * Told when the tier stops hearing other instances' invalidations and when it hears them again: meanwhile a
     * write elsewhere may have gone unheard, so the cache serves nothing of its own (see {@link ContactListener}).
     * A tier that always hears (an in-process fake) never calls it.
     */
    default void watchContact(ContactListener listener) {
    }

    /** False if the cache must not serve or keep results of its own (every read checked against the tier). */
    default boolean allowsLocalHits() {
        return true;
    }

    /** The tier's own counters and state, for the JMX bean; {@link TierStatistics#NONE} if it keeps none. */
    default TierStatistics statistics() {
        return TierStatistics.NONE;
    }

    /** Releases the tier's connections and threads: the cache is dropped. Never throws. */
    default void close() {
    }

    /** Hears whether the tier can hear other instances. Called from the tier's own thread; never throws. */
    interface ContactListener {
        /** Invalidations from elsewhere may be missed from now on. */
        void lost();

        /** Invalidations from elsewhere are heard again (those in between may have been missed). */
        void regained();
    }
}
