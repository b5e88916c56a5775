package io.jdbccache.frameworks;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

@Entity
@Table(name = "categories")
public class Category {
    @Id
    private Integer id;
    private String title;

    protected Category() {
    }

    public Integer getId() {
        return id;
    }

    public String getTitle() {
        return title;
    }
}
