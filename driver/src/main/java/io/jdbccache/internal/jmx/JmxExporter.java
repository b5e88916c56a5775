package io.jdbccache.internal.jmx;

import io.jdbccache.internal.cache.CacheObserver;
import io.jdbccache.internal.cache.ResultCache;
import java.lang.management.ManagementFactory;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Registers each cache's bean ({@code io.jdbccache:type=Cache,name=<name>}) on the platform MBean server when a
 * connection uses the cache, and unregisters it when the cache is dropped. A name another class loader's driver
 * (another web application) registered first is left alone.
 *
 * <p>Both happen on a thread of this exporter, in the order the registry asked for them, and so a moment after the
 * connection opened or the cache went: the platform MBean server takes about 0.2 s to start in a new JVM (all of the
 * JVM's own beans), which the first connection should not wait for. The thread ends after a second without work,
 * so nothing of the driver outlives an application's redeployment for longer.
 */
public final class JmxExporter implements CacheObserver {
    /** One per class loader: it remembers which names it registered. */
    public static final JmxExporter INSTANCE = new JmxExporter();
    private static final Logger LOG = Logger.getLogger("io.jdbccache");
    /** Names whose registration was asked for and not yet undone; guarded by CacheRegistry's lock. */
    private final Set<String> requested = new HashSet<>();
    /** Names whose bean this exporter registered; touched only on the registrar's thread. */
    private final Set<String> registered = new HashSet<>();
    /** One thread, first in first out: an unregistration never overtakes the registration it undoes. */
    private final ThreadPoolExecutor registrar = new ThreadPoolExecutor(1, 1, 1, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), task -> {
                Thread thread = new Thread(task, "jdbc-cache-jmx");
                thread.setDaemon(true);
                return thread;
            });

    private JmxExporter() {
        registrar.allowCoreThreadTimeOut(true);
    }

    /**
     * Waits until every registration and unregistration asked for before this call is done (tests and tools that
     * read the MBean server right after opening or closing a connection).
     *
     * @throws InterruptedException if interrupted while waiting
     */
    public void awaitRegistrations() throws InterruptedException {
        try {
            registrar.submit(() -> { }).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("an empty task failed", e);
        }
    }

    /** The bean's name for a cache name. */
    public static ObjectName objectName(String cacheName) throws JMException {
        return new ObjectName("io.jdbccache:type=Cache,name=" + cacheName);
    }

    @Override
    public void acquired(ResultCache cache) {
        if (requested.add(cache.name())) {
            registrar.execute(() -> register(cache));
        }
    }

    @Override
    public void dropped(ResultCache cache) {
        if (requested.remove(cache.name())) {
            registrar.execute(() -> unregister(cache.name()));
        }
    }

    private void register(ResultCache cache) {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = objectName(cache.name());
            if (server.isRegistered(name)) {
                LOG.log(Level.WARNING, "jdbc-cache: JMX name {0} is taken; cache statistics not exposed", name);
                return;
            }
            server.registerMBean(new CacheStatisticsBean(cache), name);
            registered.add(cache.name());
        } catch (JMException | SecurityException e) {
            LOG.log(Level.WARNING, "jdbc-cache: cannot register the JMX bean of cache " + cache.name(), e);
        }
    }

    private void unregister(String cacheName) {
        if (!registered.remove(cacheName)) {
            return;
        }
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = objectName(cacheName);
            if (server.isRegistered(name)) {
                server.unregisterMBean(name);
            }
        } catch (JMException | SecurityException e) {
            LOG.log(Level.WARNING, "jdbc-cache: cannot unregister the JMX bean of cache " + cacheName, e);
        }
    }
}
