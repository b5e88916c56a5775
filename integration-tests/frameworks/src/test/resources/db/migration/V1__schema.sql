CREATE TABLE categories (id INT PRIMARY KEY, title VARCHAR(50) NOT NULL);
CREATE TABLE products (
    id INT PRIMARY KEY,
    name VARCHAR(50) NOT NULL,
    price INT NOT NULL,
    category_id INT NOT NULL REFERENCES categories (id),
    version INT NOT NULL DEFAULT 0
);
