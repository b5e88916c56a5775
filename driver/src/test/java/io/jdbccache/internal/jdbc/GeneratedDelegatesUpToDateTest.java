package io.jdbccache.internal.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The committed delegation sources are exactly what {@link DelegateSourceGenerator} produces. Run with
 * {@code -Djdbccache.regenerate=true} to rewrite stale files (see {@link DelegateSourceGenerator#REGENERATE_COMMAND}).
 */
class GeneratedDelegatesUpToDateTest {

    /** Surefire sets "basedir" to the module directory; an IDE may run from the repository root instead. */
    private static Path sourceRoot() {
        Path base = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
        Path fromRepositoryRoot = base.resolve("driver/src/main/java");
        return System.getProperty("basedir") == null && Files.isDirectory(fromRepositoryRoot)
                ? fromRepositoryRoot : base.resolve("src/main/java");
    }

    @Test
    void generatedSourcesAreUpToDate() throws IOException {
        Path sourceRoot = sourceRoot();
        boolean regenerate = Boolean.getBoolean("jdbccache.regenerate");

        List<String> stale = new ArrayList<>();
        for (Map.Entry<String, String> e : DelegateSourceGenerator.generate().entrySet()) {
            Path file = sourceRoot.resolve(e.getKey());
            String committed = Files.exists(file)
                    ? Files.readString(file, StandardCharsets.UTF_8).replace("\r\n", "\n") : null;
            if (!e.getValue().equals(committed)) {
                if (regenerate) {
                    Files.createDirectories(file.getParent());
                    Files.writeString(file, e.getValue(), StandardCharsets.UTF_8);
                    System.out.println("Regenerated " + file);
                } else {
                    stale.add(e.getKey());
                }
            }
        }
        assertThat(stale)
                .as("Stale generated sources under %s; regenerate from the repository root with:%n  %s",
                        sourceRoot, DelegateSourceGenerator.REGENERATE_COMMAND)
                .isEmpty();
    }
}
