-- smskit V8: every lookup of one message by its key is exact, whichever index the planner takes.
--
-- A foreign key check against sms_messages asks for (tenant_id, id, created_at). With idx_sms_messages_created_at
-- on (tenant_id, created_at) only, the planner may answer it from that index (equally cheap on paper, and smaller)
-- and filter on id. A bulk send gives its 5,000 messages one created_at, so each check of its history, outbox and
-- attempt rows read all 5,000 index entries: 170 µs a check instead of 7 µs, a 5,000-recipient bulkSend took
-- 2.1 s instead of 0.5 s, and each dispatch of those messages paid the same (measured on PostgreSQL 15 with
-- auto_explain; see README, Performance). With id as the index's last column the same plan is exact. The index
-- keeps serving the spec's date-range reads, and now orders them by (created_at, id) as the keyset cursors do.
--
-- Not online: building the index on a partitioned table holds a SHARE lock on each partition while it is built
-- (writes wait, reads do not). On a large installation, build it by hand beforehand: CREATE INDEX ON ONLY the
-- parent, CREATE INDEX CONCURRENTLY on each partition, ALTER INDEX ... ATTACH PARTITION, then mark this version
-- applied.
DROP INDEX idx_sms_messages_created_at;
CREATE INDEX idx_sms_messages_created_at ON sms_messages (tenant_id, created_at, id);

-- Partition index names as ensure_message_partitions gives them: <partition>_created_at.
DO $$
DECLARE
  idx record;
BEGIN
  FOR idx IN
    SELECT c.relname AS child, t.relname AS partition FROM pg_inherits h
    JOIN pg_class c ON c.oid = h.inhrelid
    JOIN pg_index x ON x.indexrelid = c.oid JOIN pg_class t ON t.oid = x.indrelid
    WHERE h.inhparent = 'idx_sms_messages_created_at'::regclass
  LOOP
    EXECUTE format('ALTER INDEX %I RENAME TO %I', idx.child, idx.partition || '_created_at');
  END LOOP;
END $$;

-- The dispatch invariant (V4), checked at commit for every message a dispatcher moves, looked its message up by
-- (tenant_id, id) in every partition. The rows that fire it know the message's created_at (the message itself,
-- or the child's message_created_at since V7), so the lookup now reads one partition.
CREATE OR REPLACE FUNCTION check_dispatch_invariant(p_tenant text, p_message uuid, p_created_at timestamptz)
  RETURNS void LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
  m record;
BEGIN
  SELECT direction, status, provider_message_sid INTO m FROM sms_messages
  WHERE tenant_id = p_tenant AND id = p_message AND created_at = p_created_at;
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
COMMENT ON FUNCTION check_dispatch_invariant(text, uuid, timestamptz) IS
  'Raises when an outbound message would be stranded: queued without an outbox row, or sending without an attempt, or sending and neither leased, held nor known to the provider.';

CREATE OR REPLACE FUNCTION dispatch_invariant_new() RETURNS trigger
  LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  PERFORM check_dispatch_invariant(NEW.tenant_id, NEW.id, NEW.created_at);
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION dispatch_invariant_old() RETURNS trigger
  LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  PERFORM check_dispatch_invariant(OLD.tenant_id, OLD.message_id, OLD.message_created_at);
  RETURN NULL;
END $$;

DROP FUNCTION check_dispatch_invariant(text, uuid);
