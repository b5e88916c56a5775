package io.jdbccache.internal.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Calls every interface method of every delegating class with dummy arguments against a recording delegate and
 * checks that exactly that call, with the same arguments, reached the delegate, and that its result came back:
 * unchanged for plain values, wrapped in our class for JDBC objects (whose back-references lead to the wrapper,
 * never to a raw delegate), null for null.
 */
class DelegationForwardingTest {

    /** One delegating class: its interface, how to build it over a delegate, and its back-reference method. */
    private static final class Subject {
        final Class<?> iface;
        /** Type of the object the wrapper points back to, or null. */
        final Class<?> ownerType;
        /** Name of the no-arg method returning the owner without consulting the delegate, or null. */
        final String backReference;
        final BiFunction<Object, Object, Object> factory;

        Subject(Class<?> iface, Class<?> ownerType, String backReference, BiFunction<Object, Object, Object> factory) {
            this.iface = iface;
            this.ownerType = ownerType;
            this.backReference = backReference;
            this.factory = factory;
        }
    }

    private static final List<Subject> SUBJECTS = List.of(
            new Subject(Connection.class, null, null,
                    (owner, d) -> new DelegatingConnection((Connection) d)),
            new Subject(Statement.class, Connection.class, "getConnection",
                    (owner, d) -> new DelegatingStatement((Connection) owner, (Statement) d)),
            new Subject(PreparedStatement.class, Connection.class, "getConnection",
                    (owner, d) -> new DelegatingPreparedStatement((Connection) owner, (PreparedStatement) d)),
            new Subject(CallableStatement.class, Connection.class, "getConnection",
                    (owner, d) -> new DelegatingCallableStatement((Connection) owner, (CallableStatement) d)),
            new Subject(ResultSet.class, Statement.class, "getStatement",
                    (owner, d) -> new DelegatingResultSet((Statement) owner, (ResultSet) d)),
            new Subject(DatabaseMetaData.class, Connection.class, "getConnection",
                    (owner, d) -> new DelegatingDatabaseMetaData((Connection) owner, (DatabaseMetaData) d)));

    @TestFactory
    Stream<DynamicContainer> everyMethodForwardsItsResult() {
        return tests(false);
    }

    @TestFactory
    Stream<DynamicContainer> everyMethodForwardsNull() {
        return tests(true);
    }

    private static Stream<DynamicContainer> tests(boolean delegateReturnsNull) {
        return SUBJECTS.stream().map(subject -> dynamicContainer(subject.iface.getSimpleName(),
                interfaceMethods(subject.iface).map(m -> (DynamicNode) dynamicTest(signature(m),
                        () -> checkForwarding(subject, m, delegateReturnsNull)))));
    }

    private static Stream<Method> interfaceMethods(Class<?> iface) {
        return Arrays.stream(iface.getMethods())
                .filter(m -> !Modifier.isStatic(m.getModifiers()))
                .sorted(Comparator.comparing(DelegationForwardingTest::signature));
    }

    private static void checkForwarding(Subject subject, Method m, boolean delegateReturnsNull) throws Throwable {
        Object delegate = RecordingHandler.proxy(subject.iface, delegateReturnsNull);
        Object owner = subject.ownerType == null ? null : RecordingHandler.proxy(subject.ownerType);
        Object wrapper = subject.factory.apply(owner, delegate);
        Object[] args = new Object[m.getParameterCount()];
        for (int i = 0; i < args.length; i++) {
            args[i] = RecordingHandler.dummy(m.getParameterTypes()[i], i);
        }

        Object result = invoke(wrapper, m, args);

        List<RecordingHandler.Call> calls = RecordingHandler.callsOf(delegate);
        if (m.getName().equals(subject.backReference) && m.getParameterCount() == 0) {
            assertThat(calls).as("back-reference must not consult the delegate").isEmpty();
            assertThat(result).as("back-reference returns the wrapping owner").isSameAs(owner);
            return;
        }
        assertThat(calls).as("calls reaching the delegate").hasSize(1);
        RecordingHandler.Call call = calls.get(0);
        assertThat(signature(call.method)).isEqualTo(signature(m));
        assertThat(call.args).as("arguments").hasSize(args.length);
        for (int i = 0; i < args.length; i++) {
            assertThat(call.args[i]).as("argument %d", i).isEqualTo(args[i]);
        }

        Class<?> expectedWrapper = expectedWrapper(subject, m.getReturnType());
        if (expectedWrapper == null) {
            if (m.getReturnType().isPrimitive()) {
                assertThat(result).isEqualTo(call.result);
            } else {
                assertThat(result).isSameAs(call.result);
            }
        } else if (call.result == null) {
            assertThat(result).as("null from the delegate stays null").isNull();
        } else {
            assertThat(result).isExactlyInstanceOf(expectedWrapper);
            assertWrapsAndPointsBack(subject, wrapper, owner, result, call.result);
        }
    }

    /** The class a JDBC object returned by {@code subject} must be wrapped in, or null if passed through as is. */
    private static Class<?> expectedWrapper(Subject subject, Class<?> returnType) {
        if (subject.iface == Connection.class) {
            if (returnType == Statement.class) {
                return DelegatingStatement.class;
            }
            if (returnType == PreparedStatement.class) {
                return DelegatingPreparedStatement.class;
            }
            if (returnType == CallableStatement.class) {
                return DelegatingCallableStatement.class;
            }
            if (returnType == DatabaseMetaData.class) {
                return DelegatingDatabaseMetaData.class;
            }
        }
        if (returnType == ResultSet.class) {
            return DelegatingResultSet.class;
        }
        assertThat(returnType).as("unexpected JDBC object returned by a %s", subject.iface.getSimpleName())
                .isNotIn(Connection.class, Statement.class, PreparedStatement.class, CallableStatement.class,
                        DatabaseMetaData.class);
        return null;
    }

    private static void assertWrapsAndPointsBack(Subject subject, Object wrapper, Object owner, Object result,
            Object raw) throws Exception {
        if (result instanceof DelegatingStatement) {
            assertThat(((DelegatingStatement) result).delegate).isSameAs(raw);
            assertThat(((Statement) result).getConnection()).isSameAs(wrapper);
        } else if (result instanceof DelegatingDatabaseMetaData) {
            assertThat(((DelegatingDatabaseMetaData) result).delegate).isSameAs(raw);
            assertThat(((DatabaseMetaData) result).getConnection()).isSameAs(wrapper);
        } else {
            DelegatingResultSet rs = (DelegatingResultSet) result;
            assertThat(rs.delegate).isSameAs(raw);
            if (subject.iface == DatabaseMetaData.class) {
                // The raw result set's own statement, wrapped, leading back to the wrapping connection.
                Object rawStatement = RecordingHandler.callsOf(raw).stream()
                        .filter(c -> c.method.getName().equals("getStatement"))
                        .map(c -> c.result).findFirst().orElseThrow();
                assertThat(rs.getStatement()).isExactlyInstanceOf(DelegatingStatement.class);
                assertThat(((DelegatingStatement) rs.getStatement()).delegate).isSameAs(rawStatement);
                assertThat(rs.getStatement().getConnection()).isSameAs(owner);
            } else {
                assertThat(rs.getStatement()).isSameAs(wrapper);
            }
        }
    }

    @Test
    void metadataResultSetWithoutStatementHasNullStatement() throws Exception {
        DatabaseMetaData raw = RecordingHandler.proxy(DatabaseMetaData.class);
        Connection owner = RecordingHandler.proxy(Connection.class);
        ResultSet rawResult = RecordingHandler.proxy(ResultSet.class, true);
        DelegatingDatabaseMetaData md = new DelegatingDatabaseMetaData(owner, raw);

        ResultSet rs = md.wrapResultSet(rawResult);

        assertThat(rs).isExactlyInstanceOf(DelegatingResultSet.class);
        assertThat(rs.getStatement()).isNull();
    }

    private static Object invoke(Object target, Method m, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    static String signature(Method m) {
        return m.getName() + Arrays.stream(m.getParameterTypes()).map(Class::getSimpleName)
                .collect(Collectors.joining(",", "(", ")"));
    }
}
