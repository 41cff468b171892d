-- Seed data of the orders-api example: a few customers and orders that every
-- preview of orders-api starts with (restored by the preview's seed Job).
CREATE TABLE customers (
  id integer PRIMARY KEY,
  name text NOT NULL,
  email text NOT NULL UNIQUE
);

CREATE TABLE orders (
  id integer PRIMARY KEY,
  customer_id integer NOT NULL REFERENCES customers (id),
  total_cents integer NOT NULL CHECK (total_cents >= 0),
  status text NOT NULL DEFAULT 'open',
  created_at timestamptz NOT NULL DEFAULT now()
);

INSERT INTO customers (id, name, email) VALUES
  (1, 'Ada Lovelace', 'ada@example.com'),
  (2, 'Grace Hopper', 'grace@example.com'),
  (3, 'Edsger Dijkstra', 'edsger@example.com');

INSERT INTO orders (id, customer_id, total_cents, status) VALUES
  (1, 1, 4200, 'paid'),
  (2, 1, 1999, 'open'),
  (3, 2, 10500, 'shipped'),
  (4, 3, 250, 'open');
