package io.jdbccache.internal.config;

import io.jdbccache.CacheProperty;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Finds the rules file and merges it with the connection's own {@code cache.} properties.
 *
 * <p>Precedence, lowest first: built-in defaults, the rules file, connection properties (including those given in
 * the URL). The rules file is {@code cache.config} if set, else the system property {@code jdbccache.config}, else
 * {@code jdbc-cache.properties} on the classpath when present.
 */
public final class ConfigLoader {
    /** System property naming the rules file when the connection does not. */
    public static final String SYSTEM_PROPERTY = "jdbccache.config";
    /** Rules file looked up on the classpath when nothing else names one. */
    public static final String DEFAULT_RESOURCE = "jdbc-cache.properties";
    private static final String CLASSPATH_PREFIX = "classpath:";

    private ConfigLoader() {
    }

    /**
     * Builds the effective configuration.
     *
     * @param cacheProperties the connection's {@code cache.} keys (URL parameters and Properties, already merged)
     * @throws SQLException if the rules file cannot be read, or a key or value is invalid
     */
    public static CacheConfig load(Map<String, String> cacheProperties) throws SQLException {
        return load(cacheProperties, Map.of());
    }

    /**
     * Builds the effective configuration, naming in errors where each value came from.
     *
     * @param cacheProperties the connection's {@code cache.} keys (URL parameters and Properties, already merged)
     * @param origins         where each of those came from ({@code URL}, {@code connection properties}); a key
     *                        missing here is taken to come from connection properties
     * @throws SQLException if the rules file cannot be read, or a key or value is invalid
     */
    public static CacheConfig load(Map<String, String> cacheProperties, Map<String, String> origins)
            throws SQLException {
        String location = cacheProperties.get(CacheProperty.CONFIG.key());
        boolean explicit = true;
        if (location == null || location.isBlank()) {
            location = System.getProperty(SYSTEM_PROPERTY);
        }
        if (location == null || location.isBlank()) {
            location = CLASSPATH_PREFIX + DEFAULT_RESOURCE;
            explicit = false;
        }
        Map<String, String> merged = new LinkedHashMap<>();
        Map<String, String> mergedOrigins = new HashMap<>();
        Properties file = read(location.trim(), explicit);
        if (file != null) {
            for (String key : file.stringPropertyNames()) {
                if (!CacheProperty.isCacheKey(key)) {
                    throw new SQLException("jdbc-cache: unknown key " + key + " (from " + location
                            + "): rules-file keys start with cache.", "HY092");
                }
                String value = file.getProperty(key);
                if (CacheProperty.forKey(key) == null) {
                    throw new SQLException("jdbc-cache: unknown key " + key + " (from " + location
                            + "); known keys are listed in docs/configuration.md", "HY092");
                }
                merged.put(key, value);
                mergedOrigins.put(key, "rules file " + location.trim());
            }
        }
        for (Map.Entry<String, String> entry : cacheProperties.entrySet()) {
            merged.put(entry.getKey(), entry.getValue());
            mergedOrigins.put(entry.getKey(), origins.getOrDefault(entry.getKey(), "connection properties"));
        }
        merged.remove(CacheProperty.CONFIG.key());
        return CacheConfig.of(merged, mergedOrigins);
    }

    private static Properties read(String location, boolean explicit) throws SQLException {
        UniqueKeyProperties properties = new UniqueKeyProperties();
        try {
            if (location.startsWith(CLASSPATH_PREFIX)) {
                String resource = location.substring(CLASSPATH_PREFIX.length());
                while (resource.startsWith("/")) {
                    resource = resource.substring(1);
                }
                InputStream in = open(resource);
                if (in == null) {
                    if (!explicit) {
                        return null;
                    }
                    throw new SQLException("jdbc-cache: rules file " + location + " not found on the classpath",
                            "HY024");
                }
                try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                    properties.load(reader);
                }
            } else {
                try (Reader reader = Files.newBufferedReader(Path.of(location), StandardCharsets.UTF_8)) {
                    properties.load(reader);
                }
            }
            if (properties.duplicate != null) {
                throw new SQLException("jdbc-cache: key " + properties.duplicate + " is set twice in rules file "
                        + location + "; set each key once", "HY024");
            }
        } catch (NoSuchFileException e) {
            throw new SQLException("jdbc-cache: rules file " + location + " not found", "HY024", e);
        } catch (IOException | IllegalArgumentException e) {
            throw new SQLException("jdbc-cache: cannot read rules file " + location + ": " + e.getMessage(),
                    "HY024", e);
        }
        return properties;
    }

    /** Properties that remember the first key loaded twice, which {@link Properties#load} would silently overwrite. */
    private static final class UniqueKeyProperties extends Properties {
        private static final long serialVersionUID = 1L;
        private String duplicate;

        @Override
        public synchronized Object put(Object key, Object value) {
            Object previous = super.put(key, value);
            if (previous != null && duplicate == null) {
                duplicate = String.valueOf(key);
            }
            return previous;
        }
    }

    private static InputStream open(String resource) {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        InputStream in = context == null ? null : context.getResourceAsStream(resource);
        return in != null ? in : ConfigLoader.class.getClassLoader().getResourceAsStream(resource);
    }
}
