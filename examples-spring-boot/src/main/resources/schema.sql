CREATE TABLE IF NOT EXISTS orders (
  id bigserial PRIMARY KEY,
  phone text NOT NULL,
  item text NOT NULL,
  quantity integer NOT NULL,
  sms_message_id uuid,
  sms_delivered_at timestamptz
);
