-- smskit V3: durable dispatch.
--   sms_outbox            one row per message waiting to be sent; deleted when the message leaves the queue, so
--                         the claim query only ever scans pending rows, however long the message history grows.
--   sms_send_attempts     every hand-over to a provider: when, by which worker, and how it ended.
--   sms_rate_buckets      the next instant a sender number or provider account may send (segments per second),
--                         shared by every dispatcher on the database.
--   sms_circuit_breakers  consecutive failures per provider account; an open circuit sends through the
--                         service's fallback account until it closes.

ALTER TABLE sms_service_accounts ADD COLUMN fallback_sender_account_id uuid;
ALTER TABLE sms_service_accounts ADD CONSTRAINT sms_service_accounts_fallback_account_fkey
  FOREIGN KEY (tenant_id, fallback_sender_account_id) REFERENCES sms_sender_accounts (tenant_id, id);
ALTER TABLE sms_service_accounts ADD CONSTRAINT sms_service_accounts_fallback_differs
  CHECK (fallback_sender_account_id <> sender_account_id);
COMMENT ON COLUMN sms_service_accounts.fallback_sender_account_id IS
  'The account to send through while this service''s account fails (circuit open).';

CREATE TABLE sms_outbox (
  tenant_id   text COLLATE "C" NOT NULL,
  message_id  uuid             NOT NULL,
  priority    smallint         NOT NULL DEFAULT 0,
  due_at      timestamptz      NOT NULL DEFAULT now(),
  attempts    integer          NOT NULL DEFAULT 0,
  lease_owner text,
  lease_until timestamptz,
  last_error  text,
  created_at  timestamptz      NOT NULL DEFAULT now(),
  CONSTRAINT sms_outbox_pkey PRIMARY KEY (tenant_id, message_id),
  CONSTRAINT sms_outbox_message_fkey FOREIGN KEY (tenant_id, message_id)
    REFERENCES sms_messages (tenant_id, id) ON DELETE CASCADE,
  CONSTRAINT sms_outbox_priority_range CHECK (priority BETWEEN 0 AND 9),
  CONSTRAINT sms_outbox_attempts_range CHECK (attempts >= 0),
  CONSTRAINT sms_outbox_lease_complete CHECK ((lease_owner IS NULL) = (lease_until IS NULL))
);
COMMENT ON TABLE sms_outbox IS 'Messages waiting to be sent. A leased row has due_at = lease_until, so expired leases become due again.';
-- The claim: one priority at a time, due rows in due order. Dispatchers claim across tenants.
CREATE INDEX idx_sms_outbox_due ON sms_outbox (priority, due_at);

CREATE TABLE sms_send_attempts (
  tenant_id         text COLLATE "C" NOT NULL,
  message_id        uuid             NOT NULL,
  attempt           integer          NOT NULL,
  sender_account_id uuid,
  worker            text             NOT NULL,
  started_at        timestamptz      NOT NULL,
  finished_at       timestamptz,
  outcome           varchar,
  error_code        text,
  CONSTRAINT sms_send_attempts_pkey PRIMARY KEY (tenant_id, message_id, attempt),
  CONSTRAINT sms_send_attempts_message_fkey FOREIGN KEY (tenant_id, message_id)
    REFERENCES sms_messages (tenant_id, id) ON DELETE CASCADE,
  CONSTRAINT sms_send_attempts_attempt_range CHECK (attempt >= 1),
  CONSTRAINT sms_send_attempts_outcome_check CHECK (outcome IN ('sent', 'retry', 'failed', 'unknown', 'held')),
  CONSTRAINT sms_send_attempts_finished_after_start CHECK (finished_at >= started_at)
);
COMMENT ON TABLE sms_send_attempts IS 'Each hand-over of a message to a provider; an attempt without outcome was interrupted.';

CREATE TABLE sms_rate_buckets (
  tenant_id    text COLLATE "C" NOT NULL,
  kind         varchar          NOT NULL,
  target_id    uuid             NOT NULL,
  available_at timestamptz      NOT NULL DEFAULT now(),
  CONSTRAINT sms_rate_buckets_pkey PRIMARY KEY (tenant_id, kind, target_id),
  CONSTRAINT sms_rate_buckets_kind_check CHECK (kind IN ('number', 'account'))
);
COMMENT ON TABLE sms_rate_buckets IS 'Per number and per account: the instant the next segment may go (a virtual-scheduling rate limiter).';

CREATE TABLE sms_circuit_breakers (
  tenant_id            text COLLATE "C" NOT NULL,
  account_id           uuid             NOT NULL,
  consecutive_failures integer          NOT NULL DEFAULT 0,
  open_until           timestamptz,
  updated_at           timestamptz      NOT NULL DEFAULT now(),
  CONSTRAINT sms_circuit_breakers_pkey PRIMARY KEY (tenant_id, account_id),
  CONSTRAINT sms_circuit_breakers_account_fkey FOREIGN KEY (tenant_id, account_id)
    REFERENCES sms_sender_accounts (tenant_id, id) ON DELETE CASCADE,
  CONSTRAINT sms_circuit_breakers_failures_range CHECK (consecutive_failures >= 0)
);
COMMENT ON TABLE sms_circuit_breakers IS 'Provider health per account, shared by every dispatcher.';
