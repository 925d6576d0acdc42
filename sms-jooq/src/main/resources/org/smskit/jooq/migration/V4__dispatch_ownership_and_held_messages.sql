-- smskit V4: dispatch owns a message for the whole provider call, held messages get their own table, and the
-- database itself refuses a message that would be stranded.
--   sms_outbox.attempts    now counts requests that may have reached a provider (attempts started), not claims:
--                          a claim lost to lease expiry, a rate-limit or circuit wait spends nothing.
--   sms_held_messages      messages whose send had an unknown outcome, waiting for the reconciler or an operator.
--   dispatch invariant     checked at commit (deferred constraint triggers): an outbound message that is queued or
--                          scheduled has an outbox row; one that is sending has an attempt, and is either leased
--                          (outbox row), held, or known to the provider (provider_message_sid).

COMMENT ON COLUMN sms_outbox.attempts IS
  'Attempts started (requests that may have reached a provider); claims that made no request do not count.';

-- The heartbeat extends every lease a dispatcher holds in one statement.
CREATE INDEX idx_sms_outbox_lease_owner ON sms_outbox (lease_owner) WHERE lease_owner IS NOT NULL;

CREATE TABLE sms_held_messages (
  tenant_id   text COLLATE "C" NOT NULL,
  message_id  uuid             NOT NULL,
  held_at     timestamptz      NOT NULL,
  attempt     integer          NOT NULL,
  reason      text             NOT NULL,
  checks      integer          NOT NULL DEFAULT 0,
  checked_at  timestamptz,
  last_check  text,
  CONSTRAINT sms_held_messages_pkey PRIMARY KEY (tenant_id, message_id),
  CONSTRAINT sms_held_messages_message_fkey FOREIGN KEY (tenant_id, message_id)
    REFERENCES sms_messages (tenant_id, id) ON DELETE CASCADE,
  CONSTRAINT sms_held_messages_attempt_range CHECK (attempt >= 1),
  CONSTRAINT sms_held_messages_checks_range CHECK (checks >= 0)
);
COMMENT ON TABLE sms_held_messages IS
  'Messages sent with an unknown outcome (no answer from the provider): never sent again without the reconciler''s proof or an operator.';
-- Operators page through one tenant's held messages, oldest first.
CREATE INDEX idx_sms_held_messages_held_at ON sms_held_messages (tenant_id, held_at, message_id);
-- The reconciler visits the least recently checked first, across tenants.
CREATE INDEX idx_sms_held_messages_checked_at ON sms_held_messages (checked_at NULLS FIRST, held_at);

-- Messages held before V4: sending, not in the outbox, without a provider id.
INSERT INTO sms_held_messages (tenant_id, message_id, held_at, attempt, reason)
SELECT m.tenant_id, m.id, coalesce(a.finished_at, a.started_at, m.updated_at), coalesce(a.attempt, 1),
       'outcome_unknown'
FROM sms_messages m
LEFT JOIN LATERAL (SELECT attempt, started_at, finished_at FROM sms_send_attempts sa
                   WHERE sa.tenant_id = m.tenant_id AND sa.message_id = m.id
                   ORDER BY attempt DESC LIMIT 1) a ON true
WHERE m.direction = 'outbound' AND m.status = 'sending' AND m.provider_message_sid IS NULL
  AND NOT EXISTS (SELECT 1 FROM sms_outbox o WHERE o.tenant_id = m.tenant_id AND o.message_id = m.id);

CREATE FUNCTION check_dispatch_invariant(p_tenant text, p_message uuid) RETURNS void
  LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
  m record;
BEGIN
  SELECT direction, status, provider_message_sid INTO m FROM sms_messages WHERE tenant_id = p_tenant AND id = p_message;
  IF NOT FOUND OR m.direction <> 'outbound' THEN
    RETURN;
  END IF;
  IF m.status IN ('queued', 'scheduled') THEN
    IF NOT EXISTS (SELECT 1 FROM sms_outbox WHERE tenant_id = p_tenant AND message_id = p_message) THEN
      RAISE EXCEPTION 'message % is % without an outbox row', p_message, m.status
        USING ERRCODE = 'check_violation', CONSTRAINT = 'sms_messages_queued_in_outbox';
    END IF;
  ELSIF m.status = 'sending' THEN
    IF NOT EXISTS (SELECT 1 FROM sms_send_attempts WHERE tenant_id = p_tenant AND message_id = p_message) THEN
      RAISE EXCEPTION 'message % is sending without an attempt', p_message
        USING ERRCODE = 'check_violation', CONSTRAINT = 'sms_messages_sending_attempted';
    END IF;
    IF m.provider_message_sid IS NULL
       AND NOT EXISTS (SELECT 1 FROM sms_outbox WHERE tenant_id = p_tenant AND message_id = p_message)
       AND NOT EXISTS (SELECT 1 FROM sms_held_messages WHERE tenant_id = p_tenant AND message_id = p_message) THEN
      RAISE EXCEPTION 'message % is sending, unknown to its provider, neither leased nor held', p_message
        USING ERRCODE = 'check_violation', CONSTRAINT = 'sms_messages_sending_accounted';
    END IF;
  END IF;
END $$;
COMMENT ON FUNCTION check_dispatch_invariant(text, uuid) IS
  'Raises when an outbound message would be stranded: queued without an outbox row, or sending without an attempt, or sending and neither leased, held nor known to the provider.';

CREATE FUNCTION dispatch_invariant_new() RETURNS trigger
  LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  PERFORM check_dispatch_invariant(NEW.tenant_id, NEW.id);
  RETURN NULL;
END $$;

CREATE FUNCTION dispatch_invariant_old() RETURNS trigger
  LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  PERFORM check_dispatch_invariant(OLD.tenant_id, OLD.message_id);
  RETURN NULL;
END $$;

-- Inserts are not checked: the library writes a queued message and its outbox row together, and checking every
-- inserted row would double the cost of bulk sends. Every later change of state is.
CREATE CONSTRAINT TRIGGER sms_messages_dispatch_invariant
  AFTER UPDATE OF status, provider_message_sid ON sms_messages
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  WHEN (NEW.direction = 'outbound' AND NEW.status IN ('queued', 'scheduled', 'sending'))
  EXECUTE FUNCTION dispatch_invariant_new();
CREATE CONSTRAINT TRIGGER sms_outbox_dispatch_invariant
  AFTER DELETE ON sms_outbox
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  EXECUTE FUNCTION dispatch_invariant_old();
CREATE CONSTRAINT TRIGGER sms_held_messages_dispatch_invariant
  AFTER DELETE ON sms_held_messages
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  EXECUTE FUNCTION dispatch_invariant_old();
CREATE CONSTRAINT TRIGGER sms_send_attempts_dispatch_invariant
  AFTER DELETE ON sms_send_attempts
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  EXECUTE FUNCTION dispatch_invariant_old();

ALTER TABLE sms_send_attempts DROP CONSTRAINT sms_send_attempts_outcome_check;
ALTER TABLE sms_send_attempts ADD CONSTRAINT sms_send_attempts_outcome_check
  CHECK (outcome IN ('sent', 'retry', 'failed', 'unknown', 'held', 'reported'));
COMMENT ON COLUMN sms_send_attempts.outcome IS
  'sent, retry (retryable failure), failed, unknown (retried under the RETRY policy), held, or reported (the provider reported the message before its answer came).';

-- A status report is applied only to a message sent through the account whose credentials verified it; an
-- unmatched report remembers that account, so that it is attached to a message of that account only.
ALTER TABLE sms_message_status_events ADD COLUMN verified_account_id uuid;
COMMENT ON COLUMN sms_message_status_events.verified_account_id IS
  'The sender account whose credentials verified the webhook that carried this report (null for our own entries).';

-- The provider's ids of the parts of a message it split itself (Vonage), so that a report about any part finds
-- its message, and a report naming another provider id is never merged into it.
ALTER TABLE sms_message_keys DROP CONSTRAINT sms_message_keys_kind_check;
ALTER TABLE sms_message_keys ADD CONSTRAINT sms_message_keys_kind_check
  CHECK (kind IN ('idempotency', 'inbound', 'part'));

-- A provider's slow-down (429 with Retry-After) of an account, apart from its rate bucket: written at once by the
-- worker that got the 429 (a row no claim or prepare locks, so the write never waits), and checked by every
-- dispatcher just before each request, including requests of batches claimed and prepared before the 429 came.
CREATE TABLE sms_account_pauses (
  tenant_id    text COLLATE "C" NOT NULL,
  account_id   uuid             NOT NULL,
  paused_until timestamptz      NOT NULL,
  CONSTRAINT sms_account_pauses_pkey PRIMARY KEY (tenant_id, account_id),
  CONSTRAINT sms_account_pauses_account_fkey FOREIGN KEY (tenant_id, account_id)
    REFERENCES sms_sender_accounts (tenant_id, id) ON DELETE CASCADE
);
COMMENT ON TABLE sms_account_pauses IS 'Per account: no request until paused_until (the provider asked us to slow down).';

-- Opt-outs are checked again just before each request; a reply to HELP is exempt (CTIA: HELP is answered whatever
-- the recipient's opt-in status).
ALTER TABLE sms_outbox ADD COLUMN opt_out_exempt boolean NOT NULL DEFAULT false;
COMMENT ON COLUMN sms_outbox.opt_out_exempt IS
  'True for a reply to HELP, which goes out even to a recipient who opted out.';
