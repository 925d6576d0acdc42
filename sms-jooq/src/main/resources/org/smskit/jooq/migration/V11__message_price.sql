-- smskit V11: what the provider charged for each outbound message (issue 16), for cost analytics.
--
-- Filled from the provider's answer to the send (Vonage's message-price, Twilio's price when it already has one),
-- from a delivery report that carries a price (Vonage's DLR), or from a status fetch (Twilio prices arrive late).
-- Positive amounts, in the ISO 4217 currency of price_unit; both or neither. Nullable columns without a default:
-- adding them to the partitioned parent changes only the catalog; the checks hold trivially for existing rows.
ALTER TABLE sms_messages
  ADD COLUMN price numeric(14, 6),
  ADD COLUMN price_unit text,
  ADD CONSTRAINT sms_messages_price_pair CHECK ((price IS NULL) = (price_unit IS NULL)),
  ADD CONSTRAINT sms_messages_price_unit_iso CHECK (price_unit ~ '^[A-Z]{3}$'),
  ADD CONSTRAINT sms_messages_price_positive CHECK (price >= 0);
