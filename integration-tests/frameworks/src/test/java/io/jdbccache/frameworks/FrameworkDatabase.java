package io.jdbccache.frameworks;

import io.jdbccache.CacheStatistics;
import io.jdbccache.CachingDriver;
import io.jdbccache.testing.CountingDriver;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A PostgreSQL database of the framework tests' own, made afresh by each test class, and the URLs to reach it: plain
 * pgjdbc, and jdbc-cache over the counting driver, which counts every statement that reaches PostgreSQL. PostgreSQL
 * must be running (127.0.0.1:5432, user postgres): without it the tests fail, they never skip.
 */
final class FrameworkDatabase {
    static final String HOST = "127.0.0.1:5432";

    private FrameworkDatabase() {
    }

    /** Drops and creates database {@code name}; returns it. */
    static String create(String name) {
        CountingDriver.register();
        try (Connection admin = DriverManager.getConnection("jdbc:postgresql://" + HOST + "/postgres", "postgres", "");
                Statement statement = admin.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL must run on " + HOST + " for the framework tests", e);
        }
        return name;
    }

    /** jdbc-cache over the counting driver, with cache {@code cacheName}. */
    static String cachedUrl(String database, String cacheName) {
        return "jdbc:cache:counting:postgresql://" + HOST + "/" + database + "?user=postgres&cache.name=" + cacheName;
    }

    static String rawUrl(String database) {
        return "jdbc:postgresql://" + HOST + "/" + database + "?user=postgres";
    }

    /** Statements that reached PostgreSQL through cached connections so far (all caches, all databases). */
    static long executions() {
        return CountingDriver.executions();
    }

    static CacheStatistics statistics(String cacheName) {
        return CachingDriver.statistics(cacheName).orElseThrow();
    }
}
