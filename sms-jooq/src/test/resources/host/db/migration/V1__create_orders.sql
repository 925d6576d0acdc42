-- A host application's own migration, in its own Flyway history (public.flyway_schema_history).
CREATE TABLE orders (id bigint PRIMARY KEY, customer text NOT NULL);
