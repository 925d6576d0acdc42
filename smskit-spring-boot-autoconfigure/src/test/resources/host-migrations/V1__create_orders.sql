CREATE TABLE orders (id bigserial PRIMARY KEY, phone text NOT NULL);
