package io.jdbccache.internal.redis;

import io.jdbccache.internal.cache.CacheKey;
import io.jdbccache.internal.cache.InvalidationEvent;
import io.jdbccache.internal.cache.InvalidationListener;
import io.jdbccache.internal.cache.KeyBytes;
import io.jdbccache.internal.cache.LatencyRecorder;
import io.jdbccache.internal.cache.ResultTier;
import io.jdbccache.internal.cache.StampId;
import io.jdbccache.internal.cache.TierEntry;
import io.jdbccache.internal.cache.TierStatistics;
import io.jdbccache.internal.config.RedisSettings;
import io.jdbccache.internal.result.ResultSnapshot;
import io.jdbccache.internal.result.SnapshotCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;
import java.util.logging.Logger;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

/**
 * The shared second tier on Redis: results every instance can serve, versions every instance moves, and the
 * channel on which each instance hears the others' writes ({@link InvalidationBus}). See docs/redis.md.
 *
 * <p><b>Versions.</b> Each stamp ({@link StampId}) has a version key holding a random 64-bit token. A write sets a
 * new token after it ran and when its transaction ends, before the local stamps move, and in the same pipeline
 * publishes its events: one round trip. Before it runs it sends nothing ({@link InvalidationEvent.Phase#BEFORE_WRITE}
 * is ignored here): an entry that could be stale was read before the write committed, so it carries tokens taken
 * before the write's later SETs, which make it unservable (docs/redis.md, "The write protocol"). A read takes the
 * tokens before it goes to the database ({@code SET NX GET}: a missing key gets a new token, never a reused one) and
 * its entry carries them. An entry is served only while every token is still the one it carries. Tokens are random,
 * never counted, so a Redis restart, a flush or an evicted version key can never bring back a token that validates
 * an old entry: a new token is a new epoch.
 *
 * <p><b>Faults.</b> Every call is guarded by the {@link CircuitBreaker} and the configured timeout; a failure is
 * counted and answered as if Redis were empty, never thrown. A write whose tokens could not be moved is remembered
 * by its database, and the whole database is published as written before the next call to Redis (or by the bus's
 * pinging thread, whichever comes first), so that nothing is validated against the tokens it should have moved.
 */
public final class RedisTier implements ResultTier {
    static final int INSTANCE_ID_BYTES = 16;
    private static final Logger LOG = Logger.getLogger("io.jdbccache");

    private final RedisSettings settings;
    private final RedisConnector connector;
    private final WireCodec codec;
    private final CircuitBreaker breaker = new CircuitBreaker();
    private final byte[] instance = new byte[INSTANCE_ID_BYTES];
    private final byte[] channel;
    private final InvalidationBus bus;
    private final List<InvalidationListener> subscribers = new CopyOnWriteArrayList<>();
    /**
     * Databases with a write whose tokens could not be moved, each with a count of such writes: published as wholly
     * written before the next call to Redis, and kept until then (see {@link #publishPending}).
     */
    private final ConcurrentHashMap<String, Long> unpublished = new ConcurrentHashMap<>();
    private final LongAdder errors = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder publishFailures = new LongAdder();
    private final LatencyRecorder busDelay = new LatencyRecorder();
    private volatile UnifiedJedis client;
    private volatile boolean closed;

    RedisTier(RedisSettings settings, String cacheName) {
        this.settings = settings;
        this.connector = new RedisConnector(settings);
        this.codec = new WireCodec(settings.secret());
        new SecureRandom().nextBytes(instance);
        this.channel = (settings.prefix() + ":bus").getBytes(StandardCharsets.UTF_8);
        this.bus = new InvalidationBus(connector, channel, this, cacheName, settings.timeoutMillis());
    }

    /**
     * Starts listening, and waits up to the timeout for the subscription, so that a cache made while Redis is up
     * serves its own hits from its first read (until contact is confirmed it serves none). Separate from the
     * constructor so that the bus's threads never see a tier half built.
     */
    void start() {
        bus.start();
        bus.awaitListening(TimeUnit.MILLISECONDS.toNanos(settings.timeoutMillis()));
    }

    // ---- versions ----

    @Override
    public long[] versions(StampId[] stamps) {
        if (!shareable(stamps) || !breaker.allow()) {
            return null;
        }
        try {
            UnifiedJedis redis = client();
            publishPending(redis);
            long[] mine = new long[stamps.length];
            List<Response<byte[]>> previous = new ArrayList<>(stamps.length);
            try (AbstractPipeline pipeline = redis.pipelined()) {
                for (int i = 0; i < stamps.length; i++) {
                    mine[i] = newToken();
                    previous.add(pipeline.setGet(versionKey(stamps[i]), token(mine[i]),
                            SetParams.setParams().nx().px(versionTtlMillis())));
                }
                pipeline.sync();
            }
            long[] versions = new long[stamps.length];
            for (int i = 0; i < stamps.length; i++) {
                byte[] old = previous.get(i).get();
                versions[i] = old == null ? mine[i] : token(old);
            }
            succeeded();
            return versions;
        } catch (WireCodec.Rejected e) {
            rejected.increment();
            succeeded();
            return null;
        } catch (RuntimeException e) {
            failed("take versions", e);
            return null;
        }
    }

    /** The current tokens of {@code stamps} (a missing key reads as 0, which no token is). */
    private long[] current(UnifiedJedis redis, StampId[] stamps) throws WireCodec.Rejected {
        List<Response<byte[]>> values = new ArrayList<>(stamps.length);
        try (AbstractPipeline pipeline = redis.pipelined()) {
            for (StampId stamp : stamps) {
                values.add(pipeline.get(versionKey(stamp)));
            }
            pipeline.sync();
        }
        return tokens(values);
    }

    /** The tokens of synced GET replies of version keys (a missing key reads as 0, which no token is). */
    private static long[] tokens(List<Response<byte[]>> replies) throws WireCodec.Rejected {
        long[] now = new long[replies.size()];
        for (int i = 0; i < now.length; i++) {
            byte[] value = replies.get(i).get();
            now[i] = value == null ? 0 : token(value);
        }
        return now;
    }

    /** False for a database only this process can see (H2 in memory): its results are never shared. */
    private static boolean shareable(StampId[] stamps) {
        for (StampId stamp : stamps) {
            if (stamp.database().startsWith("jdbc:h2:mem:")) {
                return false;
            }
        }
        return true;
    }

    private static boolean same(long[] a, long[] b) {
        if (a.length != b.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            if (a[i] != b[i]) {
                return false;
            }
        }
        return true;
    }

    // ---- entries ----

    @Override
    public TierEntry lookup(CacheKey key, StampId[] expected) {
        byte[] keyBytes = KeyBytes.of(key).orElse(null);
        if (keyBytes == null || !breaker.allow()) {
            return null;
        }
        try {
            UnifiedJedis redis = client();
            publishPending(redis);
            byte[] name = entryKey(keyBytes);
            // The age is Redis's own (the entry's TTL less what its key has left), never the storing instance's
            // clock, which may run ahead of this one's. PTTL before GET: a key replaced in between makes the newer
            // entry look older than it is, never younger.
            // The versions of the stamps the reader expects ride in the same pipeline, after the entry: an entry
            // stored under the same rules carries exactly these stamps, so one round trip answers the lookup.
            Response<Long> pttl;
            Response<byte[]> value;
            List<Response<byte[]>> expectedVersions = new ArrayList<>(expected.length);
            try (AbstractPipeline pipeline = redis.pipelined()) {
                pttl = pipeline.pttl(name);
                value = pipeline.get(name);
                for (StampId stamp : expected) {
                    expectedVersions.add(pipeline.get(versionKey(stamp)));
                }
                pipeline.sync();
            }
            byte[] stored = value.get();
            if (stored != null && pttl.get() == -1) {
                throw new WireCodec.Rejected("an entry without expiry: not one the driver wrote");
            }
            if (stored == null || pttl.get() <= 0) {
                succeeded(); // gone, or written between the two commands (read again next time)
                return null;
            }
            WireCodec.Entry entry = codec.decodeEntry(stored, keyBytes);
            long leftMillis = Math.min(pttl.get(), entry.ttlMillis());
            long ageMillis = entry.ttlMillis() - leftMillis;
            long[] now = Arrays.equals(entry.stamps(), expected)
                    ? tokens(expectedVersions)
                    : current(redis, entry.stamps()); // stored under other rules: its own stamps decide
            if (!same(entry.versions(), now)) {
                succeeded();
                return null;
            }
            ResultSnapshot snapshot = SnapshotCodec.decode(entry.snapshot());
            succeeded();
            return new TierEntry(snapshot, entry.stamps(), entry.versions(), TimeUnit.MILLISECONDS.toNanos(leftMillis),
                    TimeUnit.MILLISECONDS.toNanos(ageMillis));
        } catch (WireCodec.Rejected | IllegalArgumentException e) {
            // Corrupt, truncated, foreign or forged: counted, never trusted, answered by the database.
            rejected.increment();
            succeeded();
            return null;
        } catch (RuntimeException e) {
            failed("look up", e);
            return null;
        }
    }

    @Override
    public void store(CacheKey key, TierEntry entry) {
        byte[] keyBytes = KeyBytes.of(key).orElse(null);
        byte[] snapshot = keyBytes == null ? null : SnapshotCodec.encode(entry.snapshot());
        if (snapshot == null || !breaker.allow()) {
            return; // no portable form (H2's own rows), or Redis is skipped for now
        }
        long ttlMillis = Math.min(TimeUnit.NANOSECONDS.toMillis(entry.ttlNanos()),
                TimeUnit.NANOSECONDS.toMillis(settings.ttlNanos()));
        if (ttlMillis <= 0) {
            return;
        }
        byte[] bytes = codec.encodeEntry(keyBytes, entry.stamps(), entry.versions(), System.currentTimeMillis(),
                ttlMillis, snapshot);
        if (bytes.length > settings.maxEntryBytes()) {
            return;
        }
        try {
            UnifiedJedis redis = client();
            publishPending(redis);
            // A write that overlapped the read moved a token: its result is not stored (lookups check again).
            if (same(entry.versions(), current(redis, entry.stamps()))) {
                redis.set(entryKey(keyBytes), bytes, SetParams.setParams().px(ttlMillis));
            }
            succeeded();
        } catch (WireCodec.Rejected e) {
            rejected.increment();
            succeeded();
        } catch (RuntimeException e) {
            failed("store", e);
        }
    }

    @Override
    public void remove(CacheKey key) {
        byte[] keyBytes = KeyBytes.of(key).orElse(null);
        if (keyBytes == null || !breaker.allow()) {
            return;
        }
        try {
            UnifiedJedis redis = client();
            publishPending(redis);
            redis.del(entryKey(keyBytes));
            succeeded();
        } catch (RuntimeException e) {
            failed("remove", e);
        }
    }

    // ---- invalidation ----

    @Override
    public void invalidated(List<InvalidationEvent> events) {
        if (closed || !endsWrite(events)) {
            return; // before a write: its later events move the same stamps (see the class comment)
        }
        // In a cluster an open circuit may mean one node gone while the others and the channel work: a write still
        // moves the tokens it can reach and tells the others, or they would serve what it changed.
        if (!breaker.allow() && !cluster()) {
            unpublishable(events);
            return;
        }
        try {
            UnifiedJedis redis = client();
            publishPending(redis);
            publish(redis, events);
            succeeded();
        } catch (RuntimeException e) {
            failed("publish an invalidation", e);
            unpublishable(events);
        }
    }

    /** True unless every event is one sent before a write runs, which moves nothing in Redis. */
    private static boolean endsWrite(List<InvalidationEvent> events) {
        for (InvalidationEvent event : events) {
            if (event.phase() != InvalidationEvent.Phase.BEFORE_WRITE) {
                return true;
            }
        }
        return false;
    }

    /** True for an event whose stamp gets a new token: all but a catalog's (no entry depends on it) and early ones. */
    private static boolean movesToken(InvalidationEvent event) {
        return event.phase() != InvalidationEvent.Phase.CATALOG_CHANGED
                && event.phase() != InvalidationEvent.Phase.BEFORE_WRITE;
    }

    /**
     * Moves the tokens of the events' stamps and publishes the events for the other instances' own caches. One
     * server (or Sentinel's master): the SETs and the PUBLISH in one pipeline, one round trip; Redis runs one
     * connection's commands in order, so an instance that hears the message reads the new tokens. Every reply is
     * checked: an error reply (OOM, READONLY, NOPERM) is a failure like a lost connection, and which commands ran
     * before it does not matter (the database is then published as wholly written, see {@link #publishPending}).
     */
    private void publish(UnifiedJedis redis, List<InvalidationEvent> events) {
        byte[] message = codec.encodeMessage(instance, System.currentTimeMillis(), events);
        if (cluster()) {
            publishToCluster(redis, events, message);
            return;
        }
        List<Response<?>> replies = new ArrayList<>(events.size() + 1);
        try (AbstractPipeline pipeline = redis.pipelined()) {
            for (InvalidationEvent event : events) {
                if (movesToken(event)) {
                    replies.add(pipeline.set(versionKey(event.stamp()), token(newToken()),
                            SetParams.setParams().px(versionTtlMillis())));
                }
            }
            replies.add(pipeline.publish(channel, message));
            pipeline.sync();
        }
        for (Response<?> reply : replies) {
            reply.get(); // throws the error reply
        }
    }

    /**
     * The same in a cluster: the SETs in one pipeline (Jedis splits it by node), then the PUBLISH through any node
     * that answers ({@link #announce}). The events are published even when moving a token failed: one node can be
     * gone while the channel works, and the others' own caches must still drop what the write changed (an entry
     * whose version lives on the lost node cannot be validated meanwhile); the failure is then thrown, so that the
     * database is published as wholly written once Redis answers again.
     */
    private void publishToCluster(UnifiedJedis redis, List<InvalidationEvent> events, byte[] message) {
        RuntimeException versionsFailed = null;
        try (AbstractPipeline pipeline = redis.pipelined()) {
            List<Response<String>> replies = new ArrayList<>(events.size());
            for (InvalidationEvent event : events) {
                if (movesToken(event)) {
                    replies.add(pipeline.set(versionKey(event.stamp()), token(newToken()),
                            SetParams.setParams().px(versionTtlMillis())));
                }
            }
            pipeline.sync();
            for (Response<String> reply : replies) {
                reply.get();
            }
        } catch (RuntimeException e) {
            versionsFailed = e;
            // Which of a split pipeline's nodes ran their part is unknown: each token again, one by one.
            for (InvalidationEvent event : events) {
                if (movesToken(event)) {
                    try {
                        redis.set(versionKey(event.stamp()), token(newToken()),
                                SetParams.setParams().px(versionTtlMillis()));
                    } catch (RuntimeException lost) {
                        versionsFailed.addSuppressed(lost);
                    }
                }
            }
        }
        try {
            announce(redis, message);
        } catch (RuntimeException e) {
            if (versionsFailed == null) {
                throw e;
            }
            versionsFailed.addSuppressed(e);
        }
        if (versionsFailed != null) {
            throw versionsFailed;
        }
    }

    /**
     * PUBLISH in a cluster. A cluster forwards a publication to every node, so any node that answers will do; Jedis's
     * cluster client would route it by the channel's slot, and fail while that slot's node is gone.
     */
    private void announce(UnifiedJedis redis, byte[] message) {
        RedisClusterClient cluster = (RedisClusterClient) redis;
        RuntimeException failure = new IllegalStateException("no cluster node took the publication");
        for (ConnectionPool node : cluster.getClusterNodes().values()) {
            try (Connection connection = node.getResource()) {
                connection.sendCommand(Protocol.Command.PUBLISH, channel, message);
                connection.getIntegerReply();
                return;
            } catch (RuntimeException e) {
                failure.addSuppressed(e);
            }
        }
        throw failure;
    }

    private void unpublishable(List<InvalidationEvent> events) {
        publishFailures.increment();
        for (InvalidationEvent event : events) {
            unpublished.merge(event.stamp().database(), 1L, Long::sum);
        }
    }

    /**
     * Publishes each database with a write whose tokens could not be moved as wholly written and its catalog as
     * changed; throws if Redis fails.
     * Called first by every call to Redis, so that no lookup validates an entry against the tokens such a write
     * should have moved (the writer's own probe would otherwise serve it the state before its write). A database
     * stays pending until its publication succeeded, and is then dropped only if no write was added meanwhile, so a
     * concurrent call also publishes it (twice is harmless) rather than read past it.
     */
    private void publishPending(UnifiedJedis redis) {
        if (unpublished.isEmpty()) {
            return;
        }
        Map<String, Long> pending = Map.copyOf(unpublished);
        List<InvalidationEvent> whole = new ArrayList<>(2 * pending.size());
        for (String database : pending.keySet()) {
            // Its catalog as changed too: the writes missed may have been DDL (a policy created), which changes the
            // keys and plans of every instance's sessions.
            whole.add(new InvalidationEvent(StampId.database(database), InvalidationEvent.Phase.CATALOG_CHANGED));
            whole.add(new InvalidationEvent(StampId.database(database), InvalidationEvent.Phase.MANUAL));
        }
        publish(redis, whole);
        pending.forEach(unpublished::remove);
    }

    /**
     * The bus's pinging thread, every round: publishes pending writes (see {@link #publishPending}) once Redis
     * answers again, so that an instance making no further call still tells the others.
     */
    void publishPendingWrites() {
        if (closed || unpublished.isEmpty() || !breaker.allow()) {
            return;
        }
        try {
            publishPending(client());
            succeeded();
        } catch (RuntimeException e) {
            failed("publish the writes made while Redis was away", e);
        }
    }

    private void succeeded() {
        breaker.success();
    }

    private void failed(String what, RuntimeException e) {
        errors.increment();
        if (poolExhausted(e)) {
            // Every pooled connection was busy for the pool's short wait: this call goes without the tier, and
            // Redis itself has not failed, so the circuit stays as it is.
            LOG.log(Level.FINE, "jdbc-cache: Redis pool busy, could not " + what);
            return;
        }
        breaker.failure();
        connector.closeIdleConnections();
        // The message of a Jedis exception names the failure (timeout, refused), never a command's arguments.
        LOG.log(Level.FINE, "jdbc-cache: Redis failed to " + what + ": " + e);
    }

    /** True if {@code e} says no pooled connection came free in time (commons-pool's NoSuchElementException). */
    private static boolean poolExhausted(RuntimeException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof NoSuchElementException) {
                return true;
            }
        }
        return false;
    }

    // ---- the bus ----

    @Override
    public void subscribe(InvalidationListener subscriber) {
        subscribers.add(subscriber);
    }

    @Override
    public void watchContact(ContactListener listener) {
        bus.watch(listener);
    }

    /** A message arrived on the channel (the bus's thread). */
    void received(byte[] payload) {
        WireCodec.Message message;
        try {
            message = codec.decodeMessage(payload);
        } catch (WireCodec.Rejected e) {
            rejected.increment();
            return;
        }
        if (ByteBuffer.wrap(message.instance()).equals(ByteBuffer.wrap(instance))) {
            return; // this instance's own write: applied here before it was published
        }
        long delay = System.currentTimeMillis() - message.sentAtMillis();
        if (delay >= 0) {
            busDelay.record(TimeUnit.MILLISECONDS.toNanos(delay));
        }
        for (InvalidationListener subscriber : subscribers) {
            try {
                subscriber.invalidated(message.events());
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "jdbc-cache: applying another instance's invalidation failed", e);
            }
        }
    }

    @Override
    public boolean allowsLocalHits() {
        return !settings.strict();
    }

    @Override
    public TierStatistics statistics() {
        double p50 = busDelay.percentileMicros(50);
        double p99 = busDelay.percentileMicros(99);
        return new TierStatistics(errors.sum() + bus.errors(), rejected.sum(), publishFailures.sum(), breaker.state(),
                bus.isListening(), p50 < 0 ? -1 : p50 / 1000, p99 < 0 ? -1 : p99 / 1000, bus.resyncs());
    }

    @Override
    public void close() {
        closed = true;
        bus.close();
        UnifiedJedis redis;
        synchronized (this) {
            redis = client;
            client = null;
        }
        if (redis != null) {
            try {
                redis.close();
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "jdbc-cache: closing the Redis client failed: " + e);
            }
        }
    }

    // ---- names and tokens ----

    private UnifiedJedis client() {
        UnifiedJedis redis = client;
        if (redis == null) {
            synchronized (this) {
                if (closed) {
                    throw new IllegalStateException("the cache is closed");
                }
                redis = client;
                if (redis == null) {
                    redis = connector.client();
                    client = redis;
                }
            }
        }
        return redis;
    }

    private boolean cluster() {
        return "cluster".equals(settings.mode());
    }

    private byte[] entryKey(byte[] keyBytes) {
        return RedisKeys.entry(settings.prefix(), keyBytes);
    }

    private byte[] versionKey(StampId stamp) {
        return RedisKeys.version(settings.prefix(), stamp);
    }

    /** Version keys outlive every entry that may carry their token; one that expires early only drops entries. */
    private long versionTtlMillis() {
        return 2 * TimeUnit.NANOSECONDS.toMillis(settings.ttlNanos()) + 60_000;
    }

    private static long newToken() {
        long token;
        do {
            token = ThreadLocalRandom.current().nextLong();
        } while (token == 0);
        return token;
    }

    private static byte[] token(long value) {
        return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
    }

    private static long token(byte[] value) throws WireCodec.Rejected {
        if (value.length != Long.BYTES) {
            throw new WireCodec.Rejected("not a version token");
        }
        long token = ByteBuffer.wrap(value).getLong();
        if (token == 0) {
            throw new WireCodec.Rejected("not a version token");
        }
        return token;
    }
}
