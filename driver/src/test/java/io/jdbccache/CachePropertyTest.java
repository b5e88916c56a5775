package io.jdbccache;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The registry is the single source of truth: docs and the reference properties file must list every key. */
class CachePropertyTest {
    private static final Path DOCS = Path.of("..", "docs");

    @Test
    void keysAreSortedAndUnique() {
        List<String> keys = Arrays.stream(CacheProperty.values()).map(CacheProperty::key).collect(Collectors.toList());
        assertThat(keys).isSorted().doesNotHaveDuplicates();
        assertThat(keys).allMatch(key -> key.startsWith("cache."));
    }

    @Test
    void everyKeyIsDocumentedWithItsDefault() throws IOException {
        String reference = Files.readString(DOCS.resolve("configuration.md"));
        for (CacheProperty property : CacheProperty.values()) {
            assertThat(reference).as(property.key()).contains("`" + property.key() + "`");
            if (!property.defaultValue().isEmpty()) {
                assertThat(reference).as(property.key()).contains("`" + property.defaultValue() + "`");
            }
        }
    }

    @Test
    void everyKeyIsInTheReferencePropertiesFile() throws IOException {
        String properties = Files.readString(DOCS.resolve("jdbc-cache.reference.properties"));
        for (CacheProperty property : CacheProperty.values()) {
            String key = property.isPerTable() ? property.perTablePrefix() : property.key();
            assertThat(properties).as(property.key()).contains(key);
        }
    }

    @Test
    void lookupFindsPerTableKeys() {
        assertThat(CacheProperty.forKey("cache.ttl")).isEqualTo(CacheProperty.TTL);
        assertThat(CacheProperty.forKey("cache.ttl.orders")).isEqualTo(CacheProperty.TABLE_TTL);
        assertThat(CacheProperty.forKey("cache.nope")).isNull();
    }
}
