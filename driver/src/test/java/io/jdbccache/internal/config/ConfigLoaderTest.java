package io.jdbccache.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @Test
    void defaultsApplyWhenNothingIsSet() throws SQLException {
        CacheConfig config = ConfigLoader.load(Map.of());
        assertThat(config.name()).isEqualTo("default");
        assertThat(config.enabled()).isTrue();
        assertThat(config.ttlNanos()).isEqualTo(TimeUnit.SECONDS.toNanos(60));
        assertThat(config.maxBytes()).isEqualTo(64L << 20);
        assertThat(config.maxResultRows()).isEqualTo(10_000);
        assertThat(config.onlyCacheTables()).isNull();
    }

    @Test
    void rulesFileIsReadAndConnectionPropertiesWin(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("rules.properties");
        Files.writeString(file, "cache.ttl=5m\ncache.ttl.Exchange_Rates=10s\ncache.neverCacheTables=cart_items, "
                + "shop.Sessions\ncache.maxBytes=128MB\ncache.name=catalog\n");
        CacheConfig config = ConfigLoader.load(Map.of("cache.config", file.toString(), "cache.name", "override"));
        assertThat(config.name()).isEqualTo("override");
        assertThat(config.ttlNanos()).isEqualTo(TimeUnit.MINUTES.toNanos(5));
        assertThat(config.tableTtlNanos()).containsEntry("exchange_rates", TimeUnit.SECONDS.toNanos(10));
        assertThat(config.neverCacheTables()).containsExactly("cart_items", "shop.sessions");
        assertThat(config.maxBytes()).isEqualTo(128L << 20);
    }

    @Test
    void unknownKeyInTheFileIsAnErrorNamingKeyAndFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("rules.properties");
        Files.writeString(file, "cache.tll=5m\n");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("cache.config", file.toString())))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("cache.tll").hasMessageContaining(file.toString())
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("HY092");
    }

    @Test
    void aKeySetTwiceInTheFileIsAnError(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("rules.properties");
        Files.writeString(file, "cache.ttl=5m\ncache.maxBytes=1MB\ncache.ttl = 10s\n");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("cache.config", file.toString())))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("cache.ttl").hasMessageContaining("twice").hasMessageContaining(file.toString())
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("HY024");
    }

    @Test
    void keySettingsAreNamesOfSettings() throws SQLException {
        assertThat(ConfigLoader.load(Map.of("cache.keySettings", "app.region, app.currency")).keySettings())
                .containsExactly("app.currency", "app.region");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("cache.keySettings", "app.x'; DROP")))
                .hasMessageContaining("cache.keySettings");
    }

    @Test
    void badValueIsAnErrorNamingKeyValueAndOrigin() {
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("cache.ttl", "soon")))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("cache.ttl").hasMessageContaining("soon")
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("HY024");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("cache.maxBytes", "-1")))
                .hasMessageContaining("cache.maxBytes");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("cache.neverCacheQueries", "(")))
                .hasMessageContaining("cache.neverCacheQueries");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("cache.ttlJitter", "0.9")))
                .hasMessageContaining("cache.ttlJitter");
    }

    @Test
    void missingRulesFileIsAnError() {
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("cache.config", "/nonexistent/rules.properties")))
                .isInstanceOf(SQLException.class).hasMessageContaining("/nonexistent/rules.properties");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("cache.config", "classpath:nope.properties")))
                .isInstanceOf(SQLException.class).hasMessageContaining("nope.properties");
    }

    @Test
    void eachValueNamesItsOwnOrigin(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("rules.properties");
        Files.writeString(file, "cache.ttl=5m\ncache.maxResultRows=0\n");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("cache.config", file.toString())))
                .hasMessageContaining("cache.maxResultRows").hasMessageContaining("'0'")
                .hasMessageContaining("rules file " + file);
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("cache.config", file.toString(), "cache.maxResultRows",
                "10", "cache.ttl", "-1s"), Map.of("cache.ttl", "URL")))
                .hasMessageContaining("cache.ttl").hasMessageContaining("'-1s'").hasMessageContaining("(from URL)")
                .hasMessageContaining("at least 0");
        assertThat(ConfigLoader.load(Map.of("cache.config", file.toString(), "cache.maxResultRows", "10"))
                .maxResultRows()).isEqualTo(10);
    }

    @Test
    void urlAndPropertiesSplitIntoOurKeysAndTheRealDrivers() {
        Properties info = new Properties();
        info.setProperty("cache.ttl", "9m");
        info.setProperty("user", "sa");
        CacheUrl.Keys keys = CacheUrl.parse("jdbc:cache:h2:mem:x;cache.ttl=1m;cache.name=n;MODE=PostgreSQL")
                .keys(info);
        assertThat(keys.cacheValues()).isEqualTo(Map.of("cache.ttl", "9m", "cache.name", "n"));
        assertThat(keys.origins()).containsEntry("cache.ttl", "connection properties").containsEntry("cache.name",
                "URL");
        assertThat(keys.realProperties()).containsOnlyKeys("user");
    }

    @Test
    void urlLosesOurParametersAndKeepsTheRest() {
        CacheUrl pg = CacheUrl.parse("jdbc:cache:postgresql://127.0.0.1/test?cache.ttl=5m&sslmode=disable"
                + "&cache.name=a%20b");
        assertThat(pg.realUrl()).isEqualTo("jdbc:postgresql://127.0.0.1/test?sslmode=disable");
        assertThat(pg.cacheParameters()).containsEntry("cache.ttl", "5m").containsEntry("cache.name", "a b");
        assertThat(pg.databaseIdentity()).isEqualTo("jdbc:postgresql://127.0.0.1/test");
        CacheUrl h2 = CacheUrl.parse("jdbc:cache:h2:mem:shop;DB_CLOSE_DELAY=-1;cache.ttl=1m");
        assertThat(h2.realUrl()).isEqualTo("jdbc:h2:mem:shop;DB_CLOSE_DELAY=-1");
        assertThat(h2.cacheParameters()).containsEntry("cache.ttl", "1m");
        assertThat(CacheUrl.accepts("jdbc:postgresql://x/y")).isFalse();
        assertThat(CacheUrl.accepts("jdbc:cache:cache:h2:mem:x")).isFalse();
        assertThat(CacheUrl.parse("jdbc:cache:h2:mem:jdbc:cache:x").realUrl()).isEqualTo("jdbc:h2:mem:jdbc:cache:x");
    }
}
