package io.jdbccache.internal.result;

/**
 * A driver's own description of a captured result's columns (pgjdbc's field descriptions), shared by the entries of
 * later captures of the same statement while the driver describes its columns exactly alike: a miss then neither
 * copies them again nor reads the result's metadata (see {@link ResultMaterializer#materialize}). Immutable to its
 * users; thread-safe.
 */
public interface DriverColumns {
}
