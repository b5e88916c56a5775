package io.jdbccache.internal.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Wrapper;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code unwrap}/{@code isWrapperFor} answer for the wrapper itself first (any of its classes or interfaces), then
 * ask the delegate, so vendor interfaces stay reachable.
 */
class DelegationUnwrapTest {

    /** Stands for a vendor extension interface implemented only by the real driver's object. */
    interface VendorExtension {
    }

    static Stream<Arguments> wrappers() {
        return Stream.of(
                wrapper(Connection.class, d -> new DelegatingConnection(d)),
                wrapper(Statement.class, d -> new DelegatingStatement(null, d)),
                wrapper(PreparedStatement.class, d -> new DelegatingPreparedStatement(null, d)),
                wrapper(CallableStatement.class, d -> new DelegatingCallableStatement(null, d)),
                wrapper(ResultSet.class, d -> new DelegatingResultSet(null, d)),
                wrapper(DatabaseMetaData.class, d -> new DelegatingDatabaseMetaData(null, d)));
    }

    private static <T extends Wrapper> Arguments wrapper(Class<T> iface, Function<T, T> factory) {
        T delegate = vendorObject(iface);
        return Arguments.of(iface.getSimpleName(), factory.apply(delegate), delegate);
    }

    /** A driver object implementing {@code iface} and {@link VendorExtension}, unwrapping per the JDBC contract. */
    private static <T> T vendorObject(Class<T> iface) {
        return iface.cast(Proxy.newProxyInstance(DelegationUnwrapTest.class.getClassLoader(),
                new Class<?>[] {iface, VendorExtension.class}, (proxy, method, args) -> {
                    Class<?> requested = args == null ? null : (Class<?>) args[0];
                    switch (method.getName()) {
                        case "isWrapperFor":
                            return requested.isInstance(proxy);
                        case "unwrap":
                            if (requested.isInstance(proxy)) {
                                return proxy;
                            }
                            throw new SQLException("not a wrapper for " + requested.getName());
                        case "equals":
                            return proxy == args[0];
                        case "hashCode":
                            return System.identityHashCode(proxy);
                        case "toString":
                            return "vendor " + iface.getSimpleName();
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                }));
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("wrappers")
    void unwrapsToItselfForItsOwnTypes(String name, Wrapper wrapper, Object delegate) throws SQLException {
        for (Class<?> type = wrapper.getClass(); type != Object.class; type = type.getSuperclass()) {
            assertThat(wrapper.isWrapperFor(type)).as("isWrapperFor(%s)", type.getSimpleName()).isTrue();
            assertThat(wrapper.unwrap(type)).as("unwrap(%s)", type.getSimpleName()).isSameAs(wrapper);
            for (Class<?> implemented : type.getInterfaces()) {
                assertThat(wrapper.isWrapperFor(implemented)).isTrue();
                assertThat(wrapper.unwrap(implemented)).isSameAs(wrapper);
            }
        }
        assertThat(wrapper.unwrap(Wrapper.class)).isSameAs(wrapper);
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("wrappers")
    void delegatesOtherTypesToTheDriver(String name, Wrapper wrapper, Object delegate) throws SQLException {
        assertThat(wrapper.isWrapperFor(VendorExtension.class)).isTrue();
        assertThat(wrapper.unwrap(VendorExtension.class)).isSameAs(delegate);

        assertThat(wrapper.isWrapperFor(StringBuilder.class)).isFalse();
        assertThatThrownBy(() -> wrapper.unwrap(StringBuilder.class))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("StringBuilder");
    }
}
