package io.jdbccache.internal.jdbc;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.lang.reflect.Array;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.net.MalformedURLException;
import java.net.URL;
import java.sql.Date;
import java.sql.SQLWarning;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.List;
import java.util.Properties;

/**
 * Test double behind a {@link Proxy}: records every interface call with its arguments and answers with a fresh
 * dummy for the return type (a recording proxy for interface types), or with null/zero in null mode.
 */
final class RecordingHandler implements InvocationHandler {

    /** One recorded call and the value the proxy answered with. */
    static final class Call {
        final Method method;
        final Object[] args;
        final Object result;

        Call(Method method, Object[] args, Object result) {
            this.method = method;
            this.args = args;
            this.result = result;
        }
    }

    private final Class<?> iface;
    private final boolean returnNull;
    final List<Call> calls = new ArrayList<>();

    private RecordingHandler(Class<?> iface, boolean returnNull) {
        this.iface = iface;
        this.returnNull = returnNull;
    }

    /** A recording proxy answering with dummies. */
    static <T> T proxy(Class<T> iface) {
        return proxy(iface, false);
    }

    /** A recording proxy answering with dummies, or with null (zero for primitives) if {@code returnNull}. */
    static <T> T proxy(Class<T> iface, boolean returnNull) {
        return iface.cast(Proxy.newProxyInstance(RecordingHandler.class.getClassLoader(), new Class<?>[] {iface},
                new RecordingHandler(iface, returnNull)));
    }

    /** The calls recorded by a proxy created by this class. */
    static List<Call> callsOf(Object proxy) {
        return ((RecordingHandler) Proxy.getInvocationHandler(proxy)).calls;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) {
        if (method.getDeclaringClass() == Object.class) {
            switch (method.getName()) {
                case "equals":
                    return proxy == args[0];
                case "hashCode":
                    return System.identityHashCode(proxy);
                default:
                    return "proxy(" + iface.getSimpleName() + ")";
            }
        }
        Class<?> type = method.getReturnType();
        Object result = returnNull && !type.isPrimitive() ? null : dummy(type, 0);
        calls.add(new Call(method, args == null ? new Object[0] : args, result));
        return result;
    }

    /** A non-default value of {@code type}; {@code seed} makes arguments at different positions distinct. */
    static Object dummy(Class<?> type, int seed) {
        if (type == void.class) {
            return null;
        }
        if (type == boolean.class) {
            return true;
        }
        if (type == byte.class) {
            return (byte) (seed + 2);
        }
        if (type == short.class) {
            return (short) (seed + 3);
        }
        if (type == int.class) {
            return seed + 7;
        }
        if (type == long.class) {
            return seed + 70L;
        }
        if (type == float.class) {
            return seed + 0.5f;
        }
        if (type == double.class) {
            return seed + 0.25d;
        }
        if (type == char.class) {
            return (char) ('a' + seed);
        }
        if (type == String.class) {
            return "s" + seed;
        }
        if (type == Object.class) {
            return new Object();
        }
        if (type == Class.class) {
            // Not implemented by any wrapper, so unwrap/isWrapperFor forward it to the delegate.
            return StringBuilder.class;
        }
        if (type.isArray()) {
            return Array.newInstance(type.getComponentType(), 1);
        }
        if (type.isInterface()) {
            return proxy(type);
        }
        if (type.isEnum()) {
            return type.getEnumConstants()[0];
        }
        if (type == BigDecimal.class) {
            return BigDecimal.valueOf(seed + 1);
        }
        if (type == Date.class) {
            return new Date(seed);
        }
        if (type == Time.class) {
            return new Time(seed);
        }
        if (type == Timestamp.class) {
            return new Timestamp(seed);
        }
        if (type == Calendar.class) {
            return Calendar.getInstance();
        }
        if (type == InputStream.class) {
            return new ByteArrayInputStream(new byte[seed]);
        }
        if (type == Reader.class) {
            return new StringReader("r" + seed);
        }
        if (type == SQLWarning.class) {
            return new SQLWarning("w" + seed);
        }
        if (type == Properties.class) {
            return new Properties();
        }
        if (type == URL.class) {
            try {
                return new URL("http://example.invalid/" + seed);
            } catch (MalformedURLException e) {
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("No dummy value for " + type.getName() + "; add one");
    }
}
