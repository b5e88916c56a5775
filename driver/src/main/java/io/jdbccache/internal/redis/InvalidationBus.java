package io.jdbccache.internal.redis;

import io.jdbccache.internal.cache.ResultTier;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;
import redis.clients.jedis.BinaryJedisPubSub;
import redis.clients.jedis.Connection;

/**
 * Hears the other instances' writes: one thread subscribed to the prefix's channel on a connection of its own
 * (Redis pub/sub: every instance subscribed gets every message at once, and a cluster delivers each publication on
 * every node), and one that pings it (subscribes again to the same channel, which the server confirms). Pub/sub
 * keeps nothing for a subscriber that is away, so contact is what matters: when the connection breaks, or a ping
 * goes unanswered (a paused server keeps the TCP connection open), the cache is told that contact is {@link
 * ResultTier.ContactListener#lost lost}, serves nothing of its own, and is told again when it is {@link
 * ResultTier.ContactListener#regained regained}, after which it starts afresh. Until the first subscription is
 * confirmed, contact counts as lost: a write elsewhere could not have been heard.
 */
final class InvalidationBus {
    private static final Logger LOG = Logger.getLogger("io.jdbccache");
    private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final RedisConnector connector;
    private final byte[] channel;
    private final RedisTier tier;
    private final String cacheName;
    private final List<ResultTier.ContactListener> listeners = new CopyOnWriteArrayList<>();
    private final LongAdder errors = new LongAdder();
    private final LongAdder resyncs = new LongAdder();
    /** How long a ping may go unanswered before contact counts as lost. */
    private final long silenceNanos;
    private final Object state = new Object();
    private boolean listening;
    private volatile boolean closed;
    private volatile Connection connection;
    private volatile Subscriber subscriber;
    private volatile long lastHeardNanos;
    private Thread listener;
    private Thread pinger;

    InvalidationBus(RedisConnector connector, byte[] channel, RedisTier tier, String cacheName, int timeoutMillis) {
        this.connector = connector;
        this.channel = channel.clone();
        this.tier = tier;
        this.cacheName = cacheName;
        this.silenceNanos = Math.max(TimeUnit.SECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(3L * timeoutMillis));
    }

    void start() {
        listener = daemon(this::listen, "jdbc-cache-redis-bus-" + cacheName);
        pinger = daemon(this::ping, "jdbc-cache-redis-ping-" + cacheName);
    }

    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** Adds a listener; told at once that contact is lost if it is not (yet) established. */
    void watch(ResultTier.ContactListener contact) {
        synchronized (state) {
            listeners.add(contact);
            if (!listening) {
                contact.lost();
            }
        }
    }

    /** Waits until the subscription is confirmed, at most {@code nanos}. */
    void awaitListening(long nanos) {
        long deadline = System.nanoTime() + nanos;
        synchronized (state) {
            while (!listening && !closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(state, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    boolean isListening() {
        synchronized (state) {
            return listening;
        }
    }

    long errors() {
        return errors.sum();
    }

    /** Times contact was lost after it had been established (each time, the cache dropped its own entries). */
    long resyncs() {
        return resyncs.sum();
    }

    private void listen() {
        int attempt = 0;
        int failuresInARow = 0;
        while (!closed) {
            Connection opened = null;
            try {
                opened = connector.busConnection(attempt);
                connection = opened;
                Subscriber current = new Subscriber();
                subscriber = current;
                current.proceed(opened, channel); // returns when unsubscribed; throws when the connection breaks
                failuresInARow = 0;
            } catch (RuntimeException e) {
                if (!closed) {
                    errors.increment();
                    LOG.log(Level.FINE, "jdbc-cache: the Redis invalidation channel failed: " + e);
                }
                failuresInARow++;
            } finally {
                subscriber = null;
                connection = null;
                close(opened);
                contact(false);
            }
            attempt++;
            if (!closed) {
                long backoff = Math.min(MAX_BACKOFF_NANOS, TimeUnit.MILLISECONDS.toNanos(50) << Math.min(6,
                        failuresInARow));
                LockSupport.parkNanos(backoff);
            }
        }
    }

    /** Pings the subscription; a silence longer than allowed breaks the connection, so that listening starts again. */
    private void ping() {
        while (!closed) {
            LockSupport.parkNanos(silenceNanos / 3);
            Thread.interrupted(); // only close() ends this loop
            Subscriber current = subscriber;
            if (current == null || !current.isSubscribed()) {
                continue;
            }
            if (System.nanoTime() - lastHeardNanos > silenceNanos) {
                contact(false);
                close(connection);
                continue;
            }
            try {
                // Not Jedis's ping(): under RESP3 (Jedis negotiates it) the PONG is a plain reply, matched to a
                // handler that ping() queues only after flushing the PING, so the listening thread can read the
                // reply first and fail the subscription ("Unexpected message : PONG"). SUBSCRIBE to the channel
                // already subscribed changes nothing and is confirmed by a push message, which needs no handler.
                current.subscribe(channel);
            } catch (RuntimeException e) {
                contact(false);
                close(connection);
            }
        }
    }

    private void contact(boolean heard) {
        synchronized (state) {
            if (heard == listening) {
                return;
            }
            listening = heard;
            if (!heard) {
                resyncs.increment();
            }
            state.notifyAll();
            for (ResultTier.ContactListener contact : listeners) {
                try {
                    if (heard) {
                        contact.regained();
                    } else {
                        contact.lost();
                    }
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "jdbc-cache: a cache failed to hear of Redis contact", e);
                }
            }
        }
    }

    private static void close(Connection opened) {
        if (opened != null) {
            try {
                opened.close();
            } catch (RuntimeException e) {
                // Already broken: nothing more to release.
            }
        }
    }

    void close() {
        closed = true;
        Subscriber current = subscriber;
        if (current != null) {
            try {
                current.unsubscribe();
            } catch (RuntimeException e) {
                // The connection is closed next anyway.
            }
        }
        close(connection);
        for (Thread thread : new Thread[] {listener, pinger}) {
            if (thread != null) {
                thread.interrupt();
            }
        }
    }

    private final class Subscriber extends BinaryJedisPubSub {
        @Override
        public void onSubscribe(byte[] subscribed, int count) {
            lastHeardNanos = System.nanoTime();
            contact(true);
        }

        @Override
        public void onMessage(byte[] from, byte[] payload) {
            lastHeardNanos = System.nanoTime();
            tier.received(payload);
        }
    }
}
