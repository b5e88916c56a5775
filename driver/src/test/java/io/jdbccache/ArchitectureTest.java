package io.jdbccache;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.syntax.ArchRuleDefinition;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The driver's packages form layers, each importing only those below it (see docs/design.md):
 * {@code sql}, {@code result} (pure values) → {@code catalog}, {@code config} → {@code cache} (store, stamps, keys,
 * plans, shape statistics, seams) → {@code jmx}, {@code redis} (the shared tier, over Jedis) → {@code jdbc} →
 * {@link CachingDriver}. The public API (the rest of
 * {@code io.jdbccache}) sits beneath them all and never mentions an internal type.
 */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.jdbccache");
    }

    @Test
    void lowerLayersNeverUseHigherOnes() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("Api").definedBy(api())
                .layer("Sql").definedBy("io.jdbccache.internal.sql..")
                .layer("Result").definedBy("io.jdbccache.internal.result..")
                .layer("Catalog").definedBy("io.jdbccache.internal.catalog..")
                .layer("Config").definedBy("io.jdbccache.internal.config..")
                .layer("Cache").definedBy("io.jdbccache.internal.cache..")
                .layer("Jmx").definedBy("io.jdbccache.internal.jmx..")
                .layer("Redis").definedBy("io.jdbccache.internal.redis..")
                .layer("Jdbc").definedBy("io.jdbccache.internal.jdbc..")
                .layer("Driver").definedBy(JavaClass.Predicates.belongToAnyOf(CachingDriver.class))
                .layer("Micrometer").definedBy("io.jdbccache.micrometer..")
                .whereLayer("Driver").mayNotBeAccessedByAnyLayer()
                .whereLayer("Micrometer").mayNotBeAccessedByAnyLayer()
                .whereLayer("Jdbc").mayOnlyBeAccessedByLayers("Driver")
                .whereLayer("Jmx").mayOnlyBeAccessedByLayers("Jdbc", "Driver", "Micrometer")
                .whereLayer("Redis").mayOnlyBeAccessedByLayers("Jdbc", "Driver")
                .whereLayer("Cache").mayOnlyBeAccessedByLayers("Jmx", "Redis", "Jdbc", "Driver", "Micrometer")
                .whereLayer("Catalog").mayOnlyBeAccessedByLayers("Cache", "Jmx", "Redis", "Jdbc", "Driver")
                .whereLayer("Config").mayOnlyBeAccessedByLayers("Cache", "Jmx", "Redis", "Jdbc", "Driver")
                .whereLayer("Sql").mayOnlyBeAccessedByLayers("Catalog", "Config", "Cache", "Jmx", "Redis", "Jdbc",
                        "Driver", "Micrometer")
                .whereLayer("Result").mayOnlyBeAccessedByLayers("Catalog", "Config", "Cache", "Jmx", "Redis", "Jdbc",
                        "Driver")
                .check(classes);
    }

    /** Micrometer is optional: only the binder may name it, so the driver loads and works without it. */
    @Test
    void onlyTheBinderUsesMicrometer() {
        ArchRuleDefinition.noClasses().that().resideOutsideOfPackage("io.jdbccache.micrometer..")
                .should().dependOnClassesThat().resideInAPackage("io.micrometer..")
                .check(classes);
    }

    @Test
    void theLeavesAreIndependentOfEachOther() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("Sql").definedBy("io.jdbccache.internal.sql..")
                .layer("Result").definedBy("io.jdbccache.internal.result..")
                .whereLayer("Sql").mayNotBeAccessedByAnyLayer()
                .whereLayer("Result").mayNotBeAccessedByAnyLayer()
                .check(classes);
    }

    @Test
    void publicSignaturesNeverMentionInternalTypes() throws ClassNotFoundException {
        List<String> leaks = new ArrayList<>();
        int checked = 0;
        for (JavaClass javaClass : classes) {
            if (!javaClass.getPackageName().equals("io.jdbccache") || !javaClass.getModifiers().contains(JavaModifier.PUBLIC)) {
                continue;
            }
            Class<?> type = Class.forName(javaClass.getName());
            checked++;
            for (Method method : type.getDeclaredMethods()) {
                if (visible(method) && !method.isSynthetic()) {
                    checkExecutable(method, leaks);
                    check(method, method.getGenericReturnType(), leaks);
                }
            }
            for (Constructor<?> constructor : type.getDeclaredConstructors()) {
                if (visible(constructor)) {
                    checkExecutable(constructor, leaks);
                }
            }
            for (Field field : type.getDeclaredFields()) {
                if (visible(field) && !field.isSynthetic()) {
                    check(field, field.getGenericType(), leaks);
                }
            }
            for (Type supertype : type.getGenericInterfaces()) {
                check(null, supertype, leaks);
            }
            check(null, type.getGenericSuperclass(), leaks);
        }
        assertThat(checked).as("public API classes checked").isGreaterThan(3);
        assertThat(leaks).isEmpty();
    }

    private static DescribedPredicate<JavaClass> api() {
        return DescribedPredicate.describe("the public API of io.jdbccache",
                javaClass -> javaClass.getPackageName().equals("io.jdbccache")
                        && !javaClass.isEquivalentTo(CachingDriver.class));
    }

    private static boolean visible(Member member) {
        return (member.getModifiers() & (Modifier.PUBLIC | Modifier.PROTECTED)) != 0
                && Modifier.isPublic(member.getDeclaringClass().getModifiers());
    }

    private static void checkExecutable(Executable executable, List<String> leaks) {
        for (Type parameter : executable.getGenericParameterTypes()) {
            check(executable, parameter, leaks);
        }
        for (Type exception : executable.getGenericExceptionTypes()) {
            check(executable, exception, leaks);
        }
    }

    private static void check(Member where, Type type, List<String> leaks) {
        if (type == null) {
            return;
        }
        if (type instanceof Class) {
            Class<?> raw = (Class<?>) type;
            while (raw.isArray()) {
                raw = raw.getComponentType();
            }
            if (raw.getName().startsWith("io.jdbccache.internal.")) {
                leaks.add((where == null ? "a supertype" : where.toString()) + " mentions " + raw.getName());
            }
        } else if (type instanceof ParameterizedType) {
            check(where, ((ParameterizedType) type).getRawType(), leaks);
            for (Type argument : ((ParameterizedType) type).getActualTypeArguments()) {
                check(where, argument, leaks);
            }
        } else if (type instanceof GenericArrayType) {
            check(where, ((GenericArrayType) type).getGenericComponentType(), leaks);
        } else if (type instanceof WildcardType) {
            for (Type bound : ((WildcardType) type).getUpperBounds()) {
                check(where, bound, leaks);
            }
            for (Type bound : ((WildcardType) type).getLowerBounds()) {
                check(where, bound, leaks);
            }
        }
    }
}
