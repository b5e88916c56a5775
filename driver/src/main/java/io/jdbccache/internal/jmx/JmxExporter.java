package io.jdbccache.internal.jmx;

import io.jdbccache.internal.cache.CacheObserver;
import io.jdbccache.internal.cache.ResultCache;
import java.lang.management.ManagementFactory;
import java.util.HashSet;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Registers each cache's bean ({@code io.jdbccache:type=Cache,name=<name>}) on the platform MBean server when a
 * connection uses the cache, and unregisters it when the cache is dropped. A name another class loader's driver
 * (another web application) registered first is left alone.
 */
public final class JmxExporter implements CacheObserver {
    /** One per class loader: it remembers which names it registered. */
    public static final JmxExporter INSTANCE = new JmxExporter();
    private static final Logger LOG = Logger.getLogger("io.jdbccache");
    /** Names whose bean this exporter registered; guarded by CacheRegistry's lock, under which it is called. */
    private final Set<String> registered = new HashSet<>();

    private JmxExporter() {
    }

    /** The bean's name for a cache name. */
    public static ObjectName objectName(String cacheName) throws JMException {
        return new ObjectName("io.jdbccache:type=Cache,name=" + cacheName);
    }

    @Override
    public void acquired(ResultCache cache) {
        if (registered.contains(cache.name())) {
            return;
        }
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

    @Override
    public void dropped(ResultCache cache) {
        if (!registered.remove(cache.name())) {
            return;
        }
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = objectName(cache.name());
            if (server.isRegistered(name)) {
                server.unregisterMBean(name);
            }
        } catch (JMException | SecurityException e) {
            LOG.log(Level.WARNING, "jdbc-cache: cannot unregister the JMX bean of cache " + cache.name(), e);
        }
    }
}
