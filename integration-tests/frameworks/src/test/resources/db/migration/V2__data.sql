INSERT INTO categories VALUES (1, 'fruit'), (2, 'vegetables');
INSERT INTO products (id, name, price, category_id) VALUES
    (1, 'apple', 10, 1), (2, 'pear', 20, 1), (3, 'plum', 30, 1), (4, 'leek', 15, 2), (5, 'kale', 25, 2);
