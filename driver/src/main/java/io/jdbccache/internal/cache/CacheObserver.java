package io.jdbccache.internal.cache;

/**
 * Told when a named cache comes into use and when it goes, so that a layer above the cache (the JMX bean) can
 * expose it without the cache layer knowing about it. Called under {@link CacheRegistry}'s lock, so it must be quick.
 */
public interface CacheObserver {
    /** Does nothing: for callers that expose no statistics (benchmarks, tests). */
    CacheObserver NONE = new CacheObserver() {
        @Override
        public void acquired(ResultCache cache) {
        }

        @Override
        public void dropped(ResultCache cache) {
        }
    };

    /** A connection was opened on {@code cache} (the first one creates it); called for every connection. */
    void acquired(ResultCache cache);

    /** The cache is no longer exposed: its last connection closed, or the driver was deregistered. */
    void dropped(ResultCache cache);
}
