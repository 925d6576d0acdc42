-- smskit V10: per-message provider options (issue 17), stored with the message so that whichever node dispatches
-- it, however much later, sends what the sender asked for.
--
-- JSON object: {"validity": "PT10M", "raw": {"twilio": {"ContentSid": "HX..."}, "vonage": {...}}}, both keys
-- optional; null when the message has no options. Checked by the provider of the chosen account when the message
-- is accepted, not by the database. A nullable column without a default: adding it to the partitioned parent
-- changes only the catalog, no partition is rewritten.
ALTER TABLE sms_messages ADD COLUMN provider_options jsonb;
