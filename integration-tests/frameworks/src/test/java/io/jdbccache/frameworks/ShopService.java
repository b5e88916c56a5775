package io.jdbccache.frameworks;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

@Service
public class ShopService {
    private final ProductRepository products;
    private final JdbcTemplate jdbc;

    public ShopService(ProductRepository products, JdbcTemplate jdbc) {
        this.products = products;
        this.jdbc = jdbc;
    }

    /** Two reads in one read-only transaction. */
    @Transactional(readOnly = true)
    public String namesTwice(int id) {
        String first = jdbc.queryForObject("SELECT name FROM products WHERE id = ?", String.class, id);
        String second = jdbc.queryForObject("SELECT name FROM products WHERE id = ?", String.class, id);
        return first + "/" + second;
    }

    /** Dirty checking: Hibernate flushes {@code UPDATE products ... WHERE id=? AND version=?} at commit. */
    @Transactional
    public void rename(int id, String name) {
        products.findById(id).orElseThrow().setName(name);
    }

    /** A write and then a read of what it wrote, in one transaction. */
    @Transactional
    public int repriceAndRead(int id, int price) {
        jdbc.update("UPDATE products SET price = ? WHERE id = ?", price, id);
        return jdbc.queryForObject("SELECT price FROM products WHERE id = ?", Integer.class, id);
    }

    /** A write that rolls back. */
    @Transactional
    public void repriceThenFail(int id, int price) {
        jdbc.update("UPDATE products SET price = ? WHERE id = ?", price, id);
        throw new IllegalStateException("rolled back on purpose");
    }
}
