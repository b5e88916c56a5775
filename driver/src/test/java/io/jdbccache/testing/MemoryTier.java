package io.jdbccache.testing;

import io.jdbccache.internal.cache.CacheKey;
import io.jdbccache.internal.cache.InvalidationEvent;
import io.jdbccache.internal.cache.InvalidationListener;
import io.jdbccache.internal.cache.KeyBytes;
import io.jdbccache.internal.cache.ResultTier;
import io.jdbccache.internal.cache.StampId;
import io.jdbccache.internal.cache.TableVersion;
import io.jdbccache.internal.cache.TierEntry;
import io.jdbccache.internal.config.CacheConfig;
import io.jdbccache.internal.result.ResultSnapshot;
import io.jdbccache.internal.result.SnapshotCodec;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The in-memory fake of a shared second tier, as Redis will be: one {@link Store} stands for the shared server,
 * and each cache gets its own {@link MemoryTier} view of it, as each application instance has its own client. A
 * write's events move the store's versions and reach every other view's cache, as a pub/sub channel would.
 * Entries are named by the key's canonical bytes ({@link KeyBytes}), never by the key object, and snapshots travel
 * in their portable byte form when they have one ({@link SnapshotCodec}), so every hit through the tier also proves
 * both encodings; H2's own rows have no byte form and are kept as objects. A key without canonical bytes is not
 * shared.
 */
public final class MemoryTier implements ResultTier {
    private final Store store;
    private final CopyOnWriteArrayList<InvalidationListener> subscribers = new CopyOnWriteArrayList<>();

    private MemoryTier(Store store) {
        this.store = store;
    }

    /** The shared server: entries, versions of stamps, and the views to deliver events to. */
    public static final class Store {
        private final ConcurrentHashMap<ByteBuffer, Stored> entries = new ConcurrentHashMap<>();
        private final ConcurrentHashMap<StampId, AtomicLong> versions = new ConcurrentHashMap<>();
        private final CopyOnWriteArrayList<MemoryTier> views = new CopyOnWriteArrayList<>();
        private final AtomicLong stores = new AtomicLong();
        private final AtomicLong hits = new AtomicLong();
        private final AtomicLong encoded = new AtomicLong();

        /** A new view for one cache (use as {@code CacheRegistry.useTiers(store::tierFor)}). */
        public MemoryTier tierFor(CacheConfig config) {
            MemoryTier view = new MemoryTier(this);
            views.add(view);
            return view;
        }

        /** Entries stored so far. */
        public long stores() {
            return stores.get();
        }

        /** Entries served so far. */
        public long hits() {
            return hits.get();
        }

        /** Entries stored in their byte form. */
        public long encoded() {
            return encoded.get();
        }

        /** The store's version of a stamp (0 if never moved). */
        public long version(StampId stamp) {
            AtomicLong version = versions.get(stamp);
            return version == null ? 0 : version.get();
        }

        private long[] current(StampId[] stamps) {
            long[] now = new long[stamps.length];
            for (int i = 0; i < stamps.length; i++) {
                now[i] = version(stamps[i]);
            }
            return now;
        }

        private boolean unchanged(StampId[] stamps, long[] seen) {
            for (int i = 0; i < stamps.length; i++) {
                if (version(stamps[i]) != seen[i]) {
                    return false;
                }
            }
            return true;
        }
    }

    private record Stored(TierEntry entry, byte[] bytes, long storedAtNanos, long expiresAtNanos) {
    }

    @Override
    public long[] versions(StampId[] stamps) {
        return store.current(stamps);
    }

    @Override
    public TierEntry lookup(CacheKey key, StampId[] expected) {
        ByteBuffer name = name(key);
        Stored stored = name == null ? null : store.entries.get(name);
        if (stored == null) {
            return null;
        }
        long now = System.nanoTime();
        long remaining = stored.expiresAtNanos() - now;
        TierEntry entry = stored.entry();
        if (remaining <= 0 || !store.unchanged(entry.stamps(), entry.versions())) {
            store.entries.remove(name, stored);
            return null;
        }
        ResultSnapshot snapshot = stored.bytes() == null ? entry.snapshot() : SnapshotCodec.decode(stored.bytes());
        store.hits.incrementAndGet();
        return new TierEntry(snapshot, entry.stamps(), entry.versions(), remaining, now - stored.storedAtNanos());
    }

    @Override
    public void store(CacheKey key, TierEntry entry) {
        ByteBuffer name = name(key);
        if (name == null || !store.unchanged(entry.stamps(), entry.versions())) {
            return;
        }
        byte[] bytes = SnapshotCodec.encode(entry.snapshot());
        if (bytes != null) {
            store.encoded.incrementAndGet();
        }
        TierEntry kept = bytes == null ? entry
                : new TierEntry(null, entry.stamps(), entry.versions(), entry.ttlNanos(), 0);
        long now = System.nanoTime();
        store.entries.put(name, new Stored(kept, bytes, now, now + entry.ttlNanos()));
        store.stores.incrementAndGet();
    }

    @Override
    public void remove(CacheKey key) {
        ByteBuffer name = name(key);
        if (name != null) {
            store.entries.remove(name);
        }
    }

    private static ByteBuffer name(CacheKey key) {
        return KeyBytes.of(key).map(ByteBuffer::wrap).orElse(null);
    }

    @Override
    public void invalidated(List<InvalidationEvent> events) {
        if (events.stream().allMatch(event -> event.phase() == InvalidationEvent.Phase.BEFORE_WRITE)) {
            // As the Redis tier: nothing before a write, whose later events move the same stamps (ResultTier's
            // contract allows it), so every run with this fake tests the cache under the least a tier may do.
            return;
        }
        for (InvalidationEvent event : events) {
            if (event.phase() == InvalidationEvent.Phase.CATALOG_CHANGED
                    || event.phase() == InvalidationEvent.Phase.BEFORE_WRITE) {
                // Nothing stored depends on a catalog: the event is only delivered, for the others to forget theirs
                // (and an early event beside later ones moves nothing, as above).
                continue;
            }
            store.versions.computeIfAbsent(event.stamp(), stamp -> new AtomicLong()).incrementAndGet();
            if (event.stamp().kind() == TableVersion.Kind.DATABASE) {
                String database = event.stamp().database();
                store.entries.values().removeIf(stored -> dependsOnDatabase(stored, database));
            }
        }
        for (MemoryTier view : store.views) {
            if (view != this) {
                for (InvalidationListener subscriber : view.subscribers) {
                    subscriber.invalidated(events);
                }
            }
        }
    }

    private static boolean dependsOnDatabase(Stored stored, String database) {
        for (StampId stamp : stored.entry().stamps()) {
            if (stamp.database().equals(database)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void subscribe(InvalidationListener subscriber) {
        subscribers.add(subscriber);
    }
}
