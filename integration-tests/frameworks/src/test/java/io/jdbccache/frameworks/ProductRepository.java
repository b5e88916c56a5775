package io.jdbccache.frameworks;

import java.util.List;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

public interface ProductRepository extends JpaRepository<Product, Integer> {
    /** A join with pagination: Hibernate writes {@code offset ? rows fetch first ? rows only}. */
    @Query(value = "SELECT p FROM Product p JOIN FETCH p.category c WHERE c.title = ?1 ORDER BY p.id",
            countQuery = "SELECT count(p) FROM Product p JOIN p.category c WHERE c.title = ?1")
    Page<Product> inCategory(String title, Pageable page);

    List<Product> findByPriceLessThanOrderById(int price);
}
