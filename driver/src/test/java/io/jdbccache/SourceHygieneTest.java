package io.jdbccache;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Code names types through imports, not inline fully-qualified names (STYLE 17): a qualified name in code, outside
 * imports, comments and strings, fails this test with its file and line. A name that two imported types share (two
 * {@code Date}s) may stay qualified by listing it in {@link #SHARED_SIMPLE_NAMES}.
 */
class SourceHygieneTest {

    private static final Pattern QUALIFIED = Pattern.compile(
            "(?<![\\w.])((?:java|javax|org|com|io)\\.(?:[a-z][a-z0-9_]*\\.)+)([A-Z][A-Za-z0-9_]*)");
    private static final Pattern STRING = Pattern.compile("\"(?:\\\\.|[^\"\\\\])*\"");
    /** Simple names that mean different types in one file, where one of them must stay qualified. */
    /** Every source tree of the build: the driver's, and the integration, framework tests' and benchmarks' beside it. */
    private static final List<Path> ROOTS = Stream.of("src/main/java", "src/test/java",
            "../integration-tests/src/main/java", "../integration-tests/src/test/java",
            "../integration-tests/src/bench/java", "../integration-tests/frameworks/src/test/java").map(Path::of)
            .filter(Files::isDirectory).toList();
    private static final List<String> SHARED_SIMPLE_NAMES = List.of("Date", "Array", "Statement", "Field", "Value",
            "TypeInfo", "Session", "Result", "Timestamp", "Time");

    @Test
    void codeNamesTypesThroughImports() throws IOException {
        List<String> qualified = new ArrayList<>();
        for (Path root : ROOTS) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java"))::iterator) {
                    scan(file, qualified);
                }
            }
        }
        assertThat(qualified).as("inline fully-qualified names (use an import)").isEmpty();
    }

    /**
     * An import whose simple name appears nowhere else in the file (code, javadoc links included) is left over from
     * a move: it fails this test, so the next reader is not sent looking for a use.
     */
    @Test
    void everyImportIsUsed() throws IOException {
        List<String> unused = new ArrayList<>();
        Pattern single = Pattern.compile("^import (?:static )?[\\w.]+\\.(\\w+);$");
        for (Path root : ROOTS) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java"))::iterator) {
                    List<String> lines = Files.readAllLines(file);
                    StringBuilder rest = new StringBuilder();
                    for (String line : lines) {
                        if (!line.startsWith("import ")) {
                            rest.append(line).append('\n');
                        }
                    }
                    for (String line : lines) {
                        Matcher m = single.matcher(line.strip());
                        if (m.matches() && !Pattern.compile("\\b" + m.group(1) + "\\b").matcher(rest).find()) {
                            unused.add(file + ": " + line.strip());
                        }
                    }
                }
            }
        }
        assertThat(unused).as("imports nothing uses").isEmpty();
    }

    private static void scan(Path file, List<String> qualified) throws IOException {
        List<String> lines = Files.readAllLines(file);
        boolean inComment = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (inComment) {
                inComment = !line.contains("*/");
                continue;
            }
            if (line.startsWith("/*")) {
                inComment = !line.contains("*/");
                continue;
            }
            if (line.startsWith("*") || line.startsWith("//") || line.startsWith("import ")
                    || line.startsWith("package ")) {
                continue;
            }
            String code = STRING.matcher(line.split("//", 2)[0]).replaceAll("\"\"");
            Matcher m = QUALIFIED.matcher(code);
            while (m.find()) {
                if (!SHARED_SIMPLE_NAMES.contains(m.group(2))) {
                    qualified.add(file + ":" + (i + 1) + ": " + m.group(1) + m.group(2));
                }
            }
        }
    }
}
