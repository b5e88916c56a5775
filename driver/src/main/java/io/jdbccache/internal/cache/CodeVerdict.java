package io.jdbccache.internal.cache;

import io.jdbccache.internal.catalog.SearchPath;
import io.jdbccache.internal.config.CacheConfig;

/**
 * What the code a statement runs (its own calls and those of the views and row-level-security policies behind the
 * relations it names) can do, judged by {@link CallJudge} in one setting: configuration, database, catalog epoch
 * and, when the statement names relations, the search path they were resolved on. Memoized on the statement's
 * {@link AnalyzedSql} like its {@link ReadPlan}, so that a statement the cache does not answer (a bypass, a write)
 * neither resolves its relations nor judges their calls again on each execution: a bypass once asked four times.
 *
 * @param searchPath the path the relations were resolved on; null when the statement names none (any path)
 */
public record CodeVerdict(CacheConfig config, DatabaseScope database, SearchPath searchPath, long catalogEpoch,
        boolean mayWrite, boolean runsUserCode, boolean mayChangeSession) {

    public boolean appliesTo(CacheConfig currentConfig, DatabaseScope currentDatabase, SearchPath currentPath,
            long currentEpoch) {
        return config == currentConfig && database == currentDatabase && catalogEpoch == currentEpoch
                && (searchPath == null || searchPath == currentPath || searchPath.equals(currentPath));
    }
}
