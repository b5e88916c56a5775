package io.jdbccache.frameworks;

import io.jdbccache.micrometer.JdbcCacheMetrics;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * The Spring Boot application of the framework tests: a datasource, JPA, Flyway and jOOQ from Boot's defaults, and
 * the cache's Micrometer binder as a bean, which Actuator binds to its registry.
 */
@SpringBootApplication
public class ShopApplication {
    /** The cache name the Spring Boot test's datasource URL gives. */
    static final String CACHE = "spring-boot";

    @Bean
    MeterBinder jdbcCacheMetrics() {
        return new JdbcCacheMetrics(CACHE);
    }
}
