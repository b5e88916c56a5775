package io.jdbccache.frameworks;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The Spring Boot application of the framework tests: a datasource, JPA, Flyway and jOOQ from Boot's defaults. */
@SpringBootApplication
public class ShopApplication {
}
