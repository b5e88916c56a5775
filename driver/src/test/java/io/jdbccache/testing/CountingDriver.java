package io.jdbccache.testing;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * A test driver for {@code jdbc:counting:<rest>} that connects through {@code jdbc:<rest>} and counts every
 * statement execution that reaches the real database. Wrapped as {@code jdbc:cache:counting:<rest>}, it shows
 * exactly which statements the cache answered. A dynamic proxy is fine here: this is test code.
 */
public final class CountingDriver implements Driver {
    private static final String PREFIX = "jdbc:counting:";
    private static final AtomicLong EXECUTIONS = new AtomicLong();
    private static volatile ExecutionHook hook;

    /** Runs in the executing thread just before a statement reaches the real database; tests use it to force races. */
    @FunctionalInterface
    public interface ExecutionHook {
        void beforeExecute(String sql) throws Exception;

        /** Runs after the real database answered, before the caller sees the answer. */
        default void afterExecute(String sql) throws Exception {
        }
    }

    /** Installs a hook (null removes it). */
    public static void hook(ExecutionHook newHook) {
        hook = newHook;
    }

    static {
        try {
            DriverManager.registerDriver(new CountingDriver());
        } catch (SQLException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Loads the class (and so registers the driver). */
    public static void register() {
        // the static initializer did the work
    }

    /** Statement executions (execute*, executeQuery, executeUpdate, executeBatch) that reached the database. */
    public static long executions() {
        return EXECUTIONS.get();
    }

    public static void reset() {
        EXECUTIONS.set(0);
    }

    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        if (!acceptsURL(url)) {
            return null;
        }
        Connection real = DriverManager.getConnection("jdbc:" + url.substring(PREFIX.length()), info);
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                new Forwarder(real, null));
    }

    @Override
    public boolean acceptsURL(String url) {
        return url != null && url.startsWith(PREFIX);
    }

    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
        return new DriverPropertyInfo[0];
    }

    @Override
    public int getMajorVersion() {
        return 1;
    }

    @Override
    public int getMinorVersion() {
        return 0;
    }

    @Override
    public boolean jdbcCompliant() {
        return false;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    /** Forwards every call, wrapping statements so their executions are counted. */
    private static final class Forwarder implements InvocationHandler {
        private final Object target;
        private final String preparedSql;

        Forwarder(Object target, String preparedSql) {
            this.target = target;
            this.preparedSql = preparedSql;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            if (method.getName().startsWith("execute")) {
                EXECUTIONS.incrementAndGet();
                ExecutionHook current = hook;
                if (current != null) {
                    current.beforeExecute(args != null && args.length > 0 && args[0] instanceof String
                            ? (String) args[0] : preparedSql);
                }
            }
            Object result;
            try {
                result = method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            ExecutionHook after = hook;
            if (after != null && method.getName().startsWith("execute")) {
                after.afterExecute(args != null && args.length > 0 && args[0] instanceof String
                        ? (String) args[0] : preparedSql);
            }
            String sql = args != null && args.length > 0 && args[0] instanceof String ? (String) args[0] : null;
            if (result instanceof CallableStatement) {
                return wrap(result, CallableStatement.class, sql);
            }
            if (result instanceof PreparedStatement) {
                return wrap(result, PreparedStatement.class, sql);
            }
            if (result instanceof Statement && !method.getName().equals("unwrap")) {
                return wrap(result, Statement.class, null);
            }
            return result;
        }

        private static Object wrap(Object statement, Class<?> type, String sql) {
            return Proxy.newProxyInstance(CountingDriver.class.getClassLoader(), new Class<?>[] {type},
                    new Forwarder(statement, sql));
        }
    }
}
