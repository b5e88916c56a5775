package io.jdbccache.it;

import static io.jdbccache.it.TestDb.query;
import static io.jdbccache.it.TestDb.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import io.jdbccache.CacheMXBean;
import io.jdbccache.internal.jmx.JmxExporter;
import io.jdbccache.micrometer.JdbcCacheMetrics;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.JMX;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Micrometer binder scraped through a Prometheus registry, as Spring Boot Actuator's {@code /actuator/prometheus}
 * shows it: every figure equal to the JMX bean's, under Micrometer's names with the {@code cache} tag.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Database.class)
class MicrometerTest {
    private static final String BY_ID = "SELECT id, name, price FROM products WHERE id = ?";
    private static final Pattern SAMPLE = Pattern.compile("^([a-z_0-9]+)\\{([^}]*)\\} ([-+0-9.eE]+|NaN)$");

    @Parameter
    Database database;
    TestDb db;

    @BeforeEach
    void setUp() throws Exception {
        db = TestDb.open(database);
        db.createProducts();
    }

    @AfterEach
    void tearDown() throws Exception {
        db.close();
    }

    /** Each sample of this cache in the scrape, by name plus its other labels ({@code name{reason="X"}}). */
    private Map<String, Double> scrape(PrometheusMeterRegistry registry) {
        Map<String, Double> samples = new HashMap<>();
        for (String line : registry.scrape().split("\n")) {
            Matcher sample = SAMPLE.matcher(line);
            if (!sample.matches() || !sample.group(2).contains("cache=\"" + db.cacheName + "\"")) {
                continue;
            }
            String labels = sample.group(2).replaceAll(",?cache=\"[^\"]*\"", "").replaceAll(",?app=\"[^\"]*\"", "")
                    .replaceAll("^,", "");
            samples.put(sample.group(1) + (labels.isEmpty() ? "" : "{" + labels + "}"),
                    Double.parseDouble(sample.group(3)));
        }
        return samples;
    }

    @Test
    void theScrapeShowsWhatTheBeanShows() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // Bound before the cache has any traffic, as an application binds it at start-up.
        new JdbcCacheMetrics(db.cacheName, Tags.of("app", "test")).bindTo(registry);
        Connection c = db.cached();
        for (int round = 0; round < 4; round++) {
            query(c, BY_ID, 1);
            query(c, BY_ID, 2);
        }
        update(c, "UPDATE products SET price = price + 1 WHERE id = 1");
        query(c, BY_ID, 1);
        query(c, "SELECT now()");

        JmxExporter.INSTANCE.awaitRegistrations();
        CacheMXBean bean = JMX.newMXBeanProxy(ManagementFactory.getPlatformMBeanServer(),
                new ObjectName("io.jdbccache:type=Cache,name=" + db.cacheName), CacheMXBean.class);
        Map<String, Double> samples = scrape(registry);

        assertThat(samples.get("jdbc_cache_hits_total")).isEqualTo(6.0).isEqualTo((double) bean.getHitCount());
        assertThat(samples.get("jdbc_cache_misses_total")).isEqualTo(3.0).isEqualTo((double) bean.getMissCount());
        assertThat(samples.get("jdbc_cache_bypasses_total{reason=\"NON_DETERMINISTIC\"}")).isEqualTo(1.0);
        double bypasses = samples.entrySet().stream().filter(e -> e.getKey().startsWith("jdbc_cache_bypasses_total"))
                .mapToDouble(Map.Entry::getValue).sum();
        assertThat(bypasses).isEqualTo((double) bean.getBypassCount());
        assertThat(samples.get("jdbc_cache_stores_total")).isEqualTo((double) bean.getStoreCount());
        assertThat(samples.get("jdbc_cache_invalidations_total")).isEqualTo((double) bean.getInvalidationCount());
        assertThat(samples.get("jdbc_cache_evictions_total")).isEqualTo((double) bean.getEvictionCount());
        assertThat(samples.get("jdbc_cache_entries")).isEqualTo(2.0).isEqualTo((double) bean.getEntryCount());
        assertThat(samples.get("jdbc_cache_size_bytes")).isPositive()
                .isEqualTo((double) bean.getWeightedSizeBytes());
        assertThat(samples.get("jdbc_cache_max_size_bytes")).isEqualTo((double) (64L << 20));
        assertThat(samples.get("jdbc_cache_hit_ratio")).isEqualTo(6.0 / 9);
        // Latencies in seconds (Prometheus's base unit), from the same histograms as the bean's microseconds.
        assertThat(samples.get("jdbc_cache_hit_latency_seconds{quantile=\"0.5\"}") * 1e6)
                .isCloseTo(bean.getHitLatencyP50Micros(), offset(0.01));
        assertThat(samples.get("jdbc_cache_miss_latency_seconds{quantile=\"0.99\"}") * 1e6)
                .isCloseTo(bean.getMissLatencyP99Micros(), offset(0.01));
        assertThat(samples.get("jdbc_cache_l2_errors_total")).isEqualTo((double) bean.getL2ErrorCount());
        assertThat(samples).as("the samples").containsKey("jdbc_cache_l2_bus_connected");
    }

    @Test
    void aCacheThatDoesNotExistYetReadsZeroAndAppearsWithItsFirstConnection() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JdbcCacheMetrics(db.cacheName).bindTo(registry);
        assertThat(scrape(registry).get("jdbc_cache_hits_total")).isZero();
        assertThat(scrape(registry).get("jdbc_cache_entries")).isNaN();
        Connection c = db.cached();
        query(c, BY_ID, 1);
        query(c, BY_ID, 1);
        assertThat(scrape(registry).get("jdbc_cache_hits_total")).isEqualTo(1.0);
        assertThat(scrape(registry).get("jdbc_cache_entries")).isEqualTo(1.0);
    }
}
