package io.jdbccache.frameworks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdbccache.CacheStatistics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Spring Boot as a new user sets it up: the two datasource lines of the README, HikariCP, Spring Data JPA
 * (Hibernate), and Flyway migrating through the application's own pool at start-up (Boot's default), whose
 * {@code SET ROLE} and {@code set_config('search_path', ...)} must not leave the pooled connections uncached.
 * Repeated reads cost zero statements at PostgreSQL (counted under the cache); writes through the framework are seen
 * by the next read.
 */
@SpringBootTest(classes = ShopApplication.class)
class SpringBootFrameworkTest {
    private static final String CACHE = ShopApplication.CACHE;
    private static final String DATABASE = "jdbc_cache_fw_boot";

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ProductRepository products;
    @Autowired
    ShopService shop;
    @Autowired
    PrometheusMeterRegistry prometheus;

    @DynamicPropertySource
    static void datasource(DynamicPropertyRegistry registry) {
        FrameworkDatabase.create(DATABASE);
        registry.add("spring.datasource.url", () -> FrameworkDatabase.cachedUrl(DATABASE, CACHE));
        registry.add("spring.datasource.driver-class-name", () -> "io.jdbccache.CachingDriver");
        // Two connections, so that the one Flyway used is certainly among those the tests read through.
        registry.add("spring.datasource.hikari.maximum-pool-size", () -> "2");
        registry.add("spring.jpa.hibernate.ddl-auto", () -> "none");
        registry.add("spring.jpa.open-in-view", () -> "false");
    }

    @Test
    void flywayMigratedThroughThePoolAndEveryPooledConnectionStillHits() {
        assertThat(jdbc.queryForObject("SELECT count(*) FROM flyway_schema_history WHERE success", Integer.class))
                .isEqualTo(2);
        CacheStatistics before = FrameworkDatabase.statistics(CACHE);
        // More reads than connections: every pooled connection, the one Flyway used too, answers from the cache.
        for (int i = 0; i < 10; i++) {
            assertThat(jdbc.queryForObject("SELECT name FROM products WHERE id = ?", String.class, 3))
                    .isEqualTo("plum");
        }
        CacheStatistics after = FrameworkDatabase.statistics(CACHE);
        assertThat(after.hitCount() - before.hitCount()).as("hits after Flyway ran on the pool").isGreaterThanOrEqualTo(9);
        assertThat(after.bypassesByReason()).as("bypasses").doesNotContainKey("SESSION_STATE_UNKNOWN");
    }

    @Test
    void jdbcTemplateReadsHitAndItsWritesAreSeenAtOnce() {
        assertThat(FrameworkDatabase.executionsOfRepeat(() -> jdbc.queryForObject("SELECT price FROM products WHERE id = ?",
                Integer.class, 1))).isZero();
        long before = FrameworkDatabase.executions();
        jdbc.update("UPDATE products SET price = price + 100 WHERE id = ?", 1);
        assertThat(FrameworkDatabase.executions() - before).as("the write is counted").isPositive();
        before = FrameworkDatabase.executions();
        assertThat(jdbc.queryForObject("SELECT price FROM products WHERE id = ?", Integer.class, 1)).isEqualTo(110);
        assertThat(FrameworkDatabase.executions() - before).as("the read after it went to PostgreSQL").isPositive();
        jdbc.update("UPDATE products SET price = price - 100 WHERE id = ?", 1);
        assertThat(jdbc.queryForObject("SELECT price FROM products WHERE id = ?", Integer.class, 1)).isEqualTo(10);
    }

    @Test
    void aReadOnlyTransactionIsServedFromTheCache() {
        assertThat(shop.namesTwice(2)).isEqualTo("pear/pear");
        long before = FrameworkDatabase.executions();
        assertThat(shop.namesTwice(2)).isEqualTo("pear/pear");
        assertThat(FrameworkDatabase.executions() - before).as("statements at PostgreSQL").isZero();
    }

    @Test
    void aTransactionSeesItsOwnWriteAndARollbackLeavesNoTrace() {
        assertThat(shop.repriceAndRead(4, 16)).isEqualTo(16);
        assertThat(jdbc.queryForObject("SELECT price FROM products WHERE id = ?", Integer.class, 4)).isEqualTo(16);
        assertThatThrownBy(() -> shop.repriceThenFail(4, 99)).isInstanceOf(IllegalStateException.class);
        assertThat(jdbc.queryForObject("SELECT price FROM products WHERE id = ?", Integer.class, 4)).isEqualTo(16);
        shop.repriceAndRead(4, 15);
    }

    @Test
    void springDataRepositoriesHitAcrossTransactions() {
        assertThat(FrameworkDatabase.executionsOfRepeat(() -> assertThat(products.findById(5).orElseThrow().getName())
                .isEqualTo("kale"))).as("findById, second time").isZero();
        assertThat(FrameworkDatabase.executionsOfRepeat(() -> {
            Page<Product> page = products.inCategory("fruit", PageRequest.of(1, 2, Sort.unsorted()));
            assertThat(page.getContent()).extracting(Product::getName).containsExactly("plum");
            assertThat(page.getTotalElements()).isEqualTo(3);
        })).as("a page and its count, second time").isZero();
        assertThat(FrameworkDatabase.executionsOfRepeat(() -> assertThat(products.findByPriceLessThanOrderById(16))
                .extracting(Product::getName).containsExactly("apple", "leek")))
                .as("a derived query, second time").isZero();
    }

    @Test
    void actuatorsPrometheusScrapeShowsTheCacheAsItsStatisticsDo() {
        for (int i = 0; i < 3; i++) {
            jdbc.queryForObject("SELECT title FROM categories WHERE id = ?", String.class, 1);
        }
        CacheStatistics statistics = FrameworkDatabase.statistics(CACHE);
        String scrape = prometheus.scrape();
        assertThat(scrape).contains("jdbc_cache_hits_total{cache=\"" + CACHE + "\"} " + (double) statistics.hitCount())
                .contains("jdbc_cache_misses_total{cache=\"" + CACHE + "\"} " + (double) statistics.missCount())
                .contains("jdbc_cache_hit_latency_seconds{cache=\"" + CACHE + "\",quantile=\"0.99\"}")
                .contains("jdbc_cache_size_bytes{cache=\"" + CACHE + "\"}");
        assertThat(statistics.hitCount()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void dirtyCheckingIsSeenByTheNextReadOfEveryApi() {
        jdbc.queryForObject("SELECT name FROM products WHERE id = ?", String.class, 2);
        products.findById(2).orElseThrow();
        shop.rename(2, "nashi");
        assertThat(jdbc.queryForObject("SELECT name FROM products WHERE id = ?", String.class, 2)).isEqualTo("nashi");
        assertThat(products.findById(2).orElseThrow().getName()).isEqualTo("nashi");
        List<Map<String, Object>> versions = jdbc.queryForList("SELECT version FROM products WHERE id = 2");
        assertThat(versions.get(0).get("version")).isEqualTo(1);
        shop.rename(2, "pear");
        assertThat(jdbc.queryForObject("SELECT name FROM products WHERE id = ?", String.class, 2)).isEqualTo("pear");
    }
}
