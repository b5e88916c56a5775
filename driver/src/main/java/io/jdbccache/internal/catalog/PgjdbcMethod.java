package io.jdbccache.internal.catalog;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * One public method of pgjdbc's internals, found once by name through the class loader of the first object it is
 * asked for (pgjdbc may live in another loader than this driver), and used only on objects of its class. Absent
 * (another driver, another pgjdbc), it answers null and its caller does without.
 *
 * <p>The handle is erased (every reference type {@code Object}) and called with {@code invokeExact}: a plain
 * {@code invoke} adapts its type at the first call, which on a new JVM spins several classes (milliseconds of a
 * cold start) for nothing.
 */
final class PgjdbcMethod {
    /** The method's type, built with pgjdbc's own class loader (its return type may be a pgjdbc class). */
    @FunctionalInterface
    interface TypeIn {
        MethodType of(ClassLoader pgjdbc) throws ClassNotFoundException;
    }

    private final String owner;
    private final String name;
    private final TypeIn type;
    private volatile MethodHandle handle;
    private volatile Class<?> ownerClass;
    private volatile boolean searched;

    PgjdbcMethod(String owner, String name, TypeIn type) {
        this.owner = owner;
        this.name = name;
        this.type = type;
    }

    /**
     * The method as an erased handle taking {@code target} (as {@code Object}) first, to be called with
     * {@code invokeExact}; null if {@code target} is not of its class.
     */
    MethodHandle on(Object target) {
        if (!searched) {
            try {
                ClassLoader loader = target.getClass().getClassLoader();
                Class<?> ownerClass = Class.forName(owner, false, loader);
                MethodHandle found = MethodHandles.publicLookup().findVirtual(ownerClass, name,
                        type.of(ownerClass.getClassLoader()));
                this.ownerClass = ownerClass;
                handle = found.asType(found.type().erase());
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                handle = null;
            }
            searched = true;
        }
        MethodHandle found = handle;
        return found != null && ownerClass.isInstance(target) ? found : null;
    }
}
