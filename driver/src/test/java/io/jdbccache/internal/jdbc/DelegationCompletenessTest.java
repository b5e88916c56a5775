package io.jdbccache.internal.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every public method of each JDBC interface, inherited and {@code default} ones included, is implemented by a
 * method declared in our own delegating hierarchy, so no call silently falls through to an interface default that
 * bypasses the delegate.
 */
class DelegationCompletenessTest {

    static Stream<Arguments> wrappers() {
        return Stream.of(
                Arguments.of(Connection.class, DelegatingConnection.class),
                Arguments.of(Statement.class, DelegatingStatement.class),
                Arguments.of(PreparedStatement.class, DelegatingPreparedStatement.class),
                Arguments.of(CallableStatement.class, DelegatingCallableStatement.class),
                Arguments.of(ResultSet.class, DelegatingResultSet.class),
                Arguments.of(DatabaseMetaData.class, DelegatingDatabaseMetaData.class));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("wrappers")
    void everyInterfaceMethodIsDeclaredInOurHierarchy(Class<?> iface, Class<?> wrapper) throws Exception {
        assertThat(iface).isAssignableFrom(wrapper);
        assertThat(Modifier.isAbstract(wrapper.getModifiers())).isFalse();

        List<String> missing = new ArrayList<>();
        int checked = 0;
        for (Method m : iface.getMethods()) {
            if (Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            checked++;
            Method impl = wrapper.getMethod(m.getName(), m.getParameterTypes());
            Class<?> owner = impl.getDeclaringClass();
            if (owner.isInterface() || !owner.getPackageName().equals(DelegateSourceGenerator.PACKAGE)
                    || !owner.getSimpleName().startsWith("Delegating") || Modifier.isAbstract(impl.getModifiers())) {
                missing.add(m.getName() + Arrays.toString(m.getParameterTypes()) + " -> " + owner.getName());
            }
        }
        assertThat(checked).as("interface methods checked").isGreaterThan(10);
        assertThat(missing).as("methods of %s not implemented by our hierarchy", iface.getSimpleName()).isEmpty();
    }
}
