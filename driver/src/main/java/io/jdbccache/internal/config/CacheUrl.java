package io.jdbccache.internal.config;

import io.jdbccache.CacheProperty;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@code jdbc:cache:} URL taken apart: the real driver's URL (prefix stripped once, at the start, and our own
 * {@code cache.} parameters removed so the real driver never sees them) and those parameters.
 */
public final class CacheUrl {
    /** The prefix this driver accepts. */
    public static final String PREFIX = "jdbc:cache:";

    private static final AtomicLong PRIVATE_DATABASES =
            new AtomicLong();
    private final String realUrl;
    private final Map<String, String> cacheParameters;

    private CacheUrl(String realUrl, Map<String, String> cacheParameters) {
        this.realUrl = realUrl;
        this.cacheParameters = cacheParameters;
    }

    /** True if this driver should handle the URL. */
    public static boolean accepts(String url) {
        return url != null && url.startsWith(PREFIX) && url.length() > PREFIX.length()
                && !url.startsWith(PREFIX + "cache:");
    }

    /**
     * Splits an accepted URL. Parameters are recognized after {@code ?} or {@code &} (URL-decoded) and after
     * {@code ;} (as H2 and others write settings).
     */
    public static CacheUrl parse(String url) {
        String real = "jdbc:" + url.substring(PREFIX.length());
        Map<String, String> parameters = new LinkedHashMap<>();
        StringBuilder kept = new StringBuilder(real.length());
        int i = 0;
        boolean queryOpen = false;
        boolean droppedQueryStart = false;
        while (i < real.length()) {
            char c = real.charAt(i);
            boolean separator = c == '?' || c == '&' || c == ';';
            if (separator && real.startsWith("cache.", i + 1)) {
                int end = i + 1;
                while (end < real.length() && real.charAt(end) != '&' && real.charAt(end) != ';') {
                    end++;
                }
                String pair = real.substring(i + 1, end);
                int eq = pair.indexOf('=');
                String key = eq < 0 ? pair : pair.substring(0, eq);
                String value = eq < 0 ? "" : pair.substring(eq + 1);
                if (c != ';') {
                    value = URLDecoder.decode(value, StandardCharsets.UTF_8);
                }
                parameters.put(key, value);
                if (c == '?') {
                    queryOpen = true;
                    droppedQueryStart = true;
                }
                i = end;
                continue;
            }
            if (c == '?') {
                queryOpen = true;
            }
            if (c == '&' && droppedQueryStart) {
                // The parameter that opened the query string was ours: the next one opens it now.
                kept.append('?');
                droppedQueryStart = false;
            } else {
                kept.append(c);
            }
            i++;
        }
        assert queryOpen || !droppedQueryStart;
        return new CacheUrl(kept.toString(), parameters);
    }

    /** The URL to hand to the real driver. */
    public String realUrl() {
        return realUrl;
    }

    /** The {@code cache.} parameters found in the URL, in order. */
    public Map<String, String> cacheParameters() {
        return cacheParameters;
    }

    /**
     * The keys of a connection attempt: this URL's {@code cache.} parameters, overridden by the {@code cache.}
     * properties of {@code info}, each with where it came from; and {@code info}'s other properties, for the real
     * driver.
     */
    public Keys keys(Properties info) {
        Map<String, String> values = new LinkedHashMap<>(cacheParameters);
        Map<String, String> origins = new HashMap<>();
        for (String key : cacheParameters.keySet()) {
            origins.put(key, "URL");
        }
        Properties realProperties = new Properties();
        if (info != null) {
            for (String key : info.stringPropertyNames()) {
                if (CacheProperty.isCacheKey(key)) {
                    values.put(key, info.getProperty(key));
                    origins.put(key, "connection properties");
                } else {
                    realProperties.setProperty(key, info.getProperty(key));
                }
            }
        }
        return new Keys(Collections.unmodifiableMap(values), Collections.unmodifiableMap(origins), realProperties);
    }

    /**
     * The keys of one connection attempt, split by owner.
     *
     * @param cacheValues    every {@code cache.} key given in the URL or the properties (the properties win)
     * @param origins        for each of those, {@code URL} or {@code connection properties}
     * @param realProperties the other properties, passed to the real driver unchanged
     */
    public record Keys(Map<String, String> cacheValues, Map<String, String> origins, Properties realProperties) {
    }

    /**
     * The database's identity for sharing and invalidation: the real URL without parameters ({@code ?...} or
     * {@code ;...}), which carry options rather than the database's address.
     */
    public String databaseIdentity() {
        String address = realUrl.substring(0, optionsStart());
        if (address.equals("jdbc:h2:mem:")) {
            // An unnamed in-memory H2 database is private to its connection: nothing may be shared with others.
            return address + "#private-" + PRIVATE_DATABASES.incrementAndGet();
        }
        return address;
    }

    /**
     * The URL's options without credentials, in a stable order: part of every cache key, because options such as
     * pgjdbc's {@code options=-c IntervalStyle=...} change results.
     */
    public String sessionOptions() {
        int start = optionsStart();
        if (start >= realUrl.length()) {
            return "";
        }
        TreeSet<String> options = new TreeSet<>();
        for (String option : realUrl.substring(start + 1).split("[&;]")) {
            String key = option.contains("=") ? option.substring(0, option.indexOf('=')) : option;
            String lower = key.toLowerCase(Locale.ROOT);
            if (!option.isEmpty() && !lower.equals("password") && !lower.equals("user")) {
                options.add(option);
            }
        }
        return String.join("&", options);
    }

    private int optionsStart() {
        int end = realUrl.length();
        int query = realUrl.indexOf('?');
        int settings = realUrl.indexOf(';');
        if (query >= 0) {
            end = Math.min(end, query);
        }
        if (settings >= 0) {
            end = Math.min(end, settings);
        }
        return end;
    }
}
