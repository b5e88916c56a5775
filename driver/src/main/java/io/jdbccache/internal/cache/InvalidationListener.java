package io.jdbccache.internal.cache;

import java.util.List;

/**
 * Hears every invalidation a cache applies for writes through this JVM (a publisher to a shared tier or to other
 * instances). Called on the writing thread before the local stamps move, so it must be quick and must never throw:
 * a listener's failure never fails the write (the cache catches, counts and drops it). Events applied from elsewhere
 * through {@link ResultCache#apply} are not heard again, so two instances never echo an event back and forth.
 */
@FunctionalInterface
public interface InvalidationListener {
    /** The stamps one write (or transaction end) moved, in one call, in order. */
    void invalidated(List<InvalidationEvent> events);
}
