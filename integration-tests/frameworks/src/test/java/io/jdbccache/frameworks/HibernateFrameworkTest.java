package io.jdbccache.frameworks;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import jakarta.persistence.criteria.CriteriaBuilder;
import jakarta.persistence.criteria.CriteriaQuery;
import jakarta.persistence.criteria.Root;
import java.util.List;
import java.util.function.Consumer;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hibernate 7 bootstrapped directly over a HikariCP pool of cached connections, second-level and query caches off:
 * finds by id across sessions, JPQL with a join and pagination, Criteria, native SQL, dirty checking and bulk
 * updates. Each read repeated in a new session costs zero statements at PostgreSQL; each write is seen by the next
 * session's read.
 */
class HibernateFrameworkTest {
    private static final String CACHE = "hibernate";
    private static final String DATABASE = "jdbc_cache_fw_hibernate";
    private static HikariDataSource pool;
    private static SessionFactory sessions;

    @BeforeAll
    static void start() {
        pool = FrameworkDatabase.migratedPool(DATABASE, CACHE, 2);
        sessions = FrameworkDatabase.hibernate(pool);
    }

    @AfterAll
    static void stop() {
        sessions.close();
        pool.close();
    }

    /** {@code work} in a new session and transaction, once to warm, then again: the second's statements. */
    private static long executionsOfRepeat(Consumer<Session> work) {
        return FrameworkDatabase.executionsOfRepeat(() -> sessions.inTransaction(work));
    }

    @Test
    void findByIdJpqlCriteriaAndNativeSqlHitInANewSession() {
        assertThat(executionsOfRepeat(session -> assertThat(session.find(Product.class, 1).getName())
                .isEqualTo("apple"))).as("find by id").isZero();
        assertThat(executionsOfRepeat(session -> assertThat(session.createSelectionQuery(
                "SELECT p.name FROM Product p JOIN p.category c WHERE c.title = :title ORDER BY p.id", String.class)
                .setParameter("title", "fruit").setFirstResult(1).setMaxResults(2).getResultList())
                .containsExactly("pear", "plum"))).as("JPQL with a join and pagination").isZero();
        assertThat(executionsOfRepeat(session -> {
            CriteriaBuilder builder = session.getCriteriaBuilder();
            CriteriaQuery<Product> query = builder.createQuery(Product.class);
            Root<Product> product = query.from(Product.class);
            query.select(product).where(builder.greaterThan(product.get("price"), 20))
                    .orderBy(builder.asc(product.get("id")));
            assertThat(session.createQuery(query).getResultList()).extracting(Product::getName)
                    .containsExactly("plum", "kale");
        })).as("Criteria").isZero();
        assertThat(executionsOfRepeat(session -> assertThat(session.createNativeQuery(
                "SELECT title FROM categories WHERE id = :id", String.class).setParameter("id", 2).getSingleResult())
                .isEqualTo("vegetables"))).as("native SQL").isZero();
    }

    @Test
    void dirtyCheckingAndBulkUpdatesAreSeenByTheNextSession() {
        sessions.inTransaction(session -> session.find(Product.class, 4).getName());
        sessions.inTransaction(session -> session.find(Product.class, 4).setName("ramson"));
        sessions.inTransaction(session -> assertThat(session.find(Product.class, 4).getName())
                .as("after dirty checking").isEqualTo("ramson"));

        List<Integer> before = sessions.fromTransaction(session -> session.createSelectionQuery(
                "SELECT p.price FROM Product p WHERE p.category.id = 2 ORDER BY p.id", Integer.class).getResultList());
        int updated = sessions.fromTransaction(session -> session.createMutationQuery(
                "UPDATE Product p SET p.price = p.price + 1 WHERE p.category.id = 2").executeUpdate());
        assertThat(updated).isEqualTo(2);
        List<Integer> after = sessions.fromTransaction(session -> session.createSelectionQuery(
                "SELECT p.price FROM Product p WHERE p.category.id = 2 ORDER BY p.id", Integer.class).getResultList());
        assertThat(after).containsExactly(before.get(0) + 1, before.get(1) + 1);
        sessions.inTransaction(session -> assertThat(session.find(Product.class, 5).getPrice())
                .as("a row the bulk update wrote, found by id").isEqualTo(before.get(1) + 1));
        sessions.inTransaction(session -> session.find(Product.class, 4).setName("leek"));
    }
}
