ALTER TABLE products ADD COLUMN discount INT NOT NULL DEFAULT 0;
UPDATE products SET price = price - 1;
