package io.jdbccache.it;

import io.jdbccache.internal.cache.CacheRegistry;
import io.jdbccache.testing.MemoryTier;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * The tier axis of the test matrix: with {@code -Djdbccache.it.tier=memory} (the build's second run of this suite)
 * every cache the tests open gets the in-memory fake of a shared second tier, one store for the whole JVM as one
 * Redis is for many instances, so every test body runs over L1 alone and over L1 plus a second tier.
 */
public final class TierMatrix implements LauncherSessionListener {
    /** The store of the run with the fake tier on, or null on the L1-only run. */
    private static volatile MemoryTier.Store store;

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        String tier = System.getProperty("jdbccache.it.tier", "none");
        switch (tier) {
            case "none":
                break;
            case "memory":
                MemoryTier.Store shared = new MemoryTier.Store();
                CacheRegistry.useTiers(shared::tierFor);
                store = shared;
                break;
            default:
                throw new IllegalArgumentException("jdbccache.it.tier must be none or memory, not " + tier);
        }
    }

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        MemoryTier.Store shared = store;
        if (shared != null) {
            // The run's evidence that the tier was really in the path, printed once.
            System.out.printf("memory tier: %d entries stored (%d in byte form), %d served%n", shared.stores(),
                    shared.encoded(), shared.hits());
        }
    }

    /** The fake tier's store when this run has one, else null. */
    public static MemoryTier.Store store() {
        return store;
    }
}
