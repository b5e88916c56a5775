package io.jdbccache.internal.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdbccache.CachingDriver;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Jedis is optional: a JVM without it on the class path loads the driver and caches (in process), and a connection
 * that asks for Redis fails with a message naming the missing dependency. Run in a child JVM whose class path is
 * this one's without Jedis, and without Micrometer (optional too: only the binder needs it).
 */
class WithoutJedisTest {
    @Test
    void theDriverWorksWithoutJedisAndNamesItWhenRedisIsAskedFor() throws Exception {
        String full = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> kept = new ArrayList<>();
        for (String entry : full.split(File.pathSeparator)) {
            if (!entry.contains(File.separator + "redis" + File.separator + "clients" + File.separator)
                    && !entry.contains(File.separator + "io" + File.separator + "micrometer" + File.separator)) {
                kept.add(entry);
            }
        }
        assertThat(kept.size()).as("Jedis was on the class path to leave out")
                .isLessThan(full.split(File.pathSeparator).length);
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                String.join(File.pathSeparator, kept), Child.class.getName()).redirectErrorStream(true).start();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(output).contains("jedis absent").contains("micrometer absent").contains("hits 1").contains("refused 08001 redis.clients:jedis");
        assertThat(child.exitValue()).as(output).isZero();
    }

    /** The child: caches without Redis, then asks for Redis. */
    public static final class Child {
        private Child() {
        }

        public static void main(String[] args) throws Exception {
            try {
                Class.forName("redis.clients.jedis.UnifiedJedis");
                System.out.println("jedis present");
            } catch (ClassNotFoundException e) {
                System.out.println("jedis absent");
            }
            try {
                Class.forName("io.micrometer.core.instrument.MeterRegistry");
                System.out.println("micrometer present");
            } catch (ClassNotFoundException e) {
                System.out.println("micrometer absent");
            }
            try (Connection connection = DriverManager.getConnection("jdbc:cache:h2:mem:nojedis;cache.name=nojedis");
                    Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE t (id INT PRIMARY KEY)");
                statement.execute("INSERT INTO t VALUES (1)");
                for (int i = 0; i < 2; i++) {
                    try (ResultSet rows = statement.executeQuery("SELECT id FROM t")) {
                        rows.next();
                    }
                }
                System.out.println("hits " + CachingDriver.statistics("nojedis").orElseThrow().hitCount());
            }
            try (Connection ignored = DriverManager.getConnection(
                    "jdbc:cache:h2:mem:nojedis2;cache.name=nojedis2;cache.redis.url=redis://127.0.0.1:6379")) {
                System.out.println("not refused");
            } catch (SQLException e) {
                System.out.println("refused " + e.getSQLState() + (e.getMessage().contains("redis.clients:jedis")
                        ? " redis.clients:jedis" : " " + e.getMessage()));
            }
        }
    }
}
