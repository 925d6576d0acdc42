-- V7: sms_messages partitioned by month on created_at (the spec's design notes: "partitioning for volume").
--
-- A key of a partitioned table includes its partition key, so the primary key becomes (tenant_id, id, created_at)
-- and every table that references a message carries the message's created_at (message_created_at) in its foreign
-- key. Statements that write a child row in the same statement as its message pass message_created_at; elsewhere
-- a trigger fills it from the message.
--
-- The existing table becomes the first partition, sms_messages_p_initial, without copying its rows: it covers
-- everything before this month (a fresh install: where imported or back-dated messages go), or, when it holds
-- rows, everything up to the end of its newest row's month or of this month. Upgrading a populated table builds a
-- new primary key index, backfills the children and validates their foreign keys, inside this migration's
-- transaction (measured costs in the README, "Partitioning"). Later months get their own partitions from
-- ensure_message_partitions(), which migrate() runs; there is no DEFAULT partition, so a row outside every
-- partition fails loudly instead of landing where no retention or maintenance would find it.

-- 1. Children: drop the foreign keys to the old key, add and backfill the message's created_at.
ALTER TABLE sms_attachments DROP CONSTRAINT sms_attachments_message_fkey;
ALTER TABLE sms_reactions DROP CONSTRAINT sms_reactions_message_fkey;
ALTER TABLE sms_message_status_events DROP CONSTRAINT sms_message_status_events_message_fkey;
ALTER TABLE sms_message_keys DROP CONSTRAINT sms_message_keys_message_fkey;
ALTER TABLE sms_outbox DROP CONSTRAINT sms_outbox_message_fkey;
ALTER TABLE sms_send_attempts DROP CONSTRAINT sms_send_attempts_message_fkey;
ALTER TABLE sms_held_messages DROP CONSTRAINT sms_held_messages_message_fkey;

ALTER TABLE sms_attachments ADD COLUMN message_created_at timestamptz;
ALTER TABLE sms_reactions ADD COLUMN message_created_at timestamptz;
ALTER TABLE sms_message_status_events ADD COLUMN message_created_at timestamptz;
ALTER TABLE sms_message_keys ADD COLUMN message_created_at timestamptz;
ALTER TABLE sms_outbox ADD COLUMN message_created_at timestamptz;
ALTER TABLE sms_send_attempts ADD COLUMN message_created_at timestamptz;
ALTER TABLE sms_held_messages ADD COLUMN message_created_at timestamptz;

UPDATE sms_attachments c SET message_created_at = m.created_at FROM sms_messages m
  WHERE m.tenant_id = c.tenant_id AND m.id = c.message_id;
UPDATE sms_reactions c SET message_created_at = m.created_at FROM sms_messages m
  WHERE m.tenant_id = c.tenant_id AND m.id = c.message_id;
UPDATE sms_message_status_events c SET message_created_at = m.created_at FROM sms_messages m
  WHERE m.tenant_id = c.tenant_id AND m.id = c.message_id;
UPDATE sms_message_keys c SET message_created_at = m.created_at FROM sms_messages m
  WHERE m.tenant_id = c.tenant_id AND m.id = c.message_id;
UPDATE sms_outbox c SET message_created_at = m.created_at FROM sms_messages m
  WHERE m.tenant_id = c.tenant_id AND m.id = c.message_id;
UPDATE sms_send_attempts c SET message_created_at = m.created_at FROM sms_messages m
  WHERE m.tenant_id = c.tenant_id AND m.id = c.message_id;
UPDATE sms_held_messages c SET message_created_at = m.created_at FROM sms_messages m
  WHERE m.tenant_id = c.tenant_id AND m.id = c.message_id;

ALTER TABLE sms_attachments ALTER COLUMN message_created_at SET NOT NULL;
ALTER TABLE sms_reactions ALTER COLUMN message_created_at SET NOT NULL;
ALTER TABLE sms_message_keys ALTER COLUMN message_created_at SET NOT NULL;
ALTER TABLE sms_outbox ALTER COLUMN message_created_at SET NOT NULL;
ALTER TABLE sms_send_attempts ALTER COLUMN message_created_at SET NOT NULL;
ALTER TABLE sms_held_messages ALTER COLUMN message_created_at SET NOT NULL;
-- A status report that matched no message yet has neither.
ALTER TABLE sms_message_status_events ADD CONSTRAINT sms_message_status_events_message_created_at_check
  CHECK ((message_id IS NULL) = (message_created_at IS NULL));

-- 2. The table so far, made ready to become a partition: its own primary key name and index names, no triggers
--    (the parent's are cloned onto it when it is attached).
ALTER TABLE sms_messages RENAME TO sms_messages_p_initial;
ALTER TABLE sms_messages_p_initial DROP CONSTRAINT sms_messages_pkey;
DROP TRIGGER sms_messages_touch ON sms_messages_p_initial;
DROP TRIGGER sms_messages_dispatch_invariant ON sms_messages_p_initial;
ALTER INDEX idx_sms_messages_conversation_id RENAME TO sms_messages_p_initial_conversation_id;
ALTER INDEX idx_sms_messages_to_number RENAME TO sms_messages_p_initial_to_number;
ALTER INDEX idx_sms_messages_from_number RENAME TO sms_messages_p_initial_from_number;
ALTER INDEX idx_sms_messages_status RENAME TO sms_messages_p_initial_status;
ALTER INDEX idx_sms_messages_service_account RENAME TO sms_messages_p_initial_service_account;
ALTER INDEX idx_sms_messages_sender_phone RENAME TO sms_messages_p_initial_sender_phone;
ALTER INDEX idx_sms_messages_received_at RENAME TO sms_messages_p_initial_received_at;
ALTER INDEX idx_sms_messages_created_at RENAME TO sms_messages_p_initial_created_at;
ALTER INDEX idx_sms_messages_read_at RENAME TO sms_messages_p_initial_read_at;
ALTER INDEX idx_sms_messages_unread_inbound RENAME TO sms_messages_p_initial_unread_inbound;
ALTER INDEX idx_sms_messages_provider_sid RENAME TO sms_messages_p_initial_provider_sid;
ALTER INDEX idx_sms_messages_metadata RENAME TO sms_messages_p_initial_metadata;

-- 3. The partitioned table: the same columns, defaults and CHECKs; the keys, indexes and triggers of V1-V6.
CREATE TABLE sms_messages (LIKE sms_messages_p_initial INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)
  PARTITION BY RANGE (created_at);
ALTER TABLE sms_messages ADD CONSTRAINT sms_messages_pkey PRIMARY KEY (tenant_id, id, created_at);
ALTER TABLE sms_messages ADD CONSTRAINT sms_messages_conversation_fkey FOREIGN KEY (tenant_id, conversation_id)
  REFERENCES sms_meta_conversation (tenant_id, conversation_id) ON DELETE CASCADE;
ALTER TABLE sms_messages ADD CONSTRAINT sms_messages_sender_phone_number_fkey
  FOREIGN KEY (tenant_id, sender_phone_number_id) REFERENCES sms_sender_phone_numbers (tenant_id, id);
ALTER TABLE sms_messages ADD CONSTRAINT sms_messages_service_account_fkey FOREIGN KEY (tenant_id, service_account_id)
  REFERENCES sms_service_accounts (tenant_id, id);
COMMENT ON TABLE sms_messages IS 'Core message log, inbound and outbound; partitioned by month on created_at.';
COMMENT ON COLUMN sms_messages.conversation_id IS 'sms_meta_conversation.conversation_id (enforced by a foreign key).';
COMMENT ON COLUMN sms_messages.provider_payload IS 'The provider''s raw answer or webhook body, kept for support cases.';

CREATE INDEX idx_sms_messages_conversation_id ON sms_messages (tenant_id, conversation_id, created_at, id);
CREATE INDEX idx_sms_messages_to_number ON sms_messages (tenant_id, to_number, created_at);
CREATE INDEX idx_sms_messages_from_number ON sms_messages (tenant_id, from_number, created_at);
CREATE INDEX idx_sms_messages_status ON sms_messages (tenant_id, status, created_at);
CREATE INDEX idx_sms_messages_service_account ON sms_messages (tenant_id, service_account_id, created_at);
CREATE INDEX idx_sms_messages_sender_phone ON sms_messages (tenant_id, sender_phone_number_id);
CREATE INDEX idx_sms_messages_received_at ON sms_messages (tenant_id, received_at) WHERE received_at IS NOT NULL;
CREATE INDEX idx_sms_messages_created_at ON sms_messages (tenant_id, created_at);
CREATE INDEX idx_sms_messages_read_at ON sms_messages (tenant_id, read_at) WHERE read_at IS NOT NULL;
CREATE INDEX idx_sms_messages_unread_inbound ON sms_messages (tenant_id, created_at DESC, id DESC)
  WHERE read_at IS NULL AND direction = 'inbound';
CREATE INDEX idx_sms_messages_provider_sid ON sms_messages (tenant_id, provider, provider_message_sid)
  WHERE provider_message_sid IS NOT NULL;
CREATE INDEX idx_sms_messages_metadata ON sms_messages USING gin (metadata jsonb_path_ops);

CREATE TRIGGER sms_messages_touch BEFORE UPDATE ON sms_messages
  FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE CONSTRAINT TRIGGER sms_messages_dispatch_invariant
  AFTER UPDATE OF status, provider_message_sid ON sms_messages
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  WHEN (NEW.direction = 'outbound' AND NEW.status IN ('queued', 'scheduled', 'sending'))
  EXECUTE FUNCTION dispatch_invariant_new();

-- 4. The old table, with its rows if any, becomes the first partition.
DO $$
DECLARE
  this_month timestamptz := date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
  bound timestamptz;
BEGIN
  SELECT CASE WHEN max(created_at) IS NULL THEN this_month
              ELSE (date_trunc('month', greatest(max(created_at), now()) AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')
                   + interval '1 month' END
    INTO bound FROM sms_messages_p_initial;
  ALTER TABLE sms_messages_p_initial ADD CONSTRAINT sms_messages_p_initial_pkey PRIMARY KEY (tenant_id, id, created_at);
  EXECUTE format('ALTER TABLE sms_messages ATTACH PARTITION sms_messages_p_initial FOR VALUES FROM (MINVALUE) TO (%L)',
                 bound);
END $$;

-- 5. Months: one partition per calendar month (UTC), named sms_messages_pYYYY_MM, from this month to
--    months_ahead months ahead. Idempotent (a month already covered, by its own partition or by the initial
--    one, is skipped) and serialised by an advisory lock, so every node may run it at start and daily. Security
--    definer, owned by the migrating role, so the pool's role may run it without owning the table.
CREATE FUNCTION ensure_message_partitions(months_ahead integer) RETURNS integer
  LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
  first_month timestamptz := date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
  month timestamptz;
  made integer := 0;
  n integer;
  part text;
  idx record;
BEGIN
  IF months_ahead IS NULL OR months_ahead < 0 OR months_ahead > 120 THEN
    RAISE EXCEPTION 'months_ahead must be between 0 and 120, not %', months_ahead
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  PERFORM pg_advisory_xact_lock(hashtext('smskit-partitions:' || current_schema()));
  FOR n IN 0 .. months_ahead LOOP
    month := first_month + make_interval(months => n);
    CONTINUE WHEN to_regclass(quote_ident('sms_messages_p' || to_char(month AT TIME ZONE 'UTC', 'YYYY_MM')))
                  IS NOT NULL;
    -- The initial partition of an upgraded table may cover this month already.
    CONTINUE WHEN EXISTS (
      SELECT 1 FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid
      WHERE h.inhparent = 'sms_messages'::regclass AND c.relname = 'sms_messages_p_initial'
        AND month < substring(pg_get_expr(c.relpartbound, c.oid) FROM 'TO \(''([^'']+)''\)')::timestamptz);
    part := 'sms_messages_p' || to_char(month AT TIME ZONE 'UTC', 'YYYY_MM');
    EXECUTE format('CREATE TABLE %I PARTITION OF sms_messages FOR VALUES FROM (%L) TO (%L)', part, month,
                   month + interval '1 month');
    -- Index names say what they are for, as the initial partition's: <partition>_<name on the parent, less its
    -- idx_sms_messages_ prefix>, rather than PostgreSQL's names made of column names.
    FOR idx IN
      SELECT c.relname AS child, p.relname AS parent FROM pg_index x
      JOIN pg_class c ON c.oid = x.indexrelid
      JOIN pg_inherits h ON h.inhrelid = x.indexrelid JOIN pg_class p ON p.oid = h.inhparent
      WHERE x.indrelid = part::regclass
    LOOP
      CONTINUE WHEN idx.child = part || '_' || regexp_replace(idx.parent, '^(idx_)?sms_messages_', '');
      EXECUTE format('ALTER INDEX %I RENAME TO %I', idx.child,
                     part || '_' || regexp_replace(idx.parent, '^(idx_)?sms_messages_', ''));
    END LOOP;
    made := made + 1;
  END LOOP;
  RETURN made;
END $$;
COMMENT ON FUNCTION ensure_message_partitions(integer) IS
  'Creates the missing monthly partitions of sms_messages from this month to months_ahead ahead; returns how many.';

-- 6. Retention (opt-in, never automatic): the month partitions that end on or before the cutoff are emptied
--    (which deletes their children by the foreign keys' ON DELETE CASCADE), detached and dropped. The initial
--    partition of an upgraded table is left alone: delete from it with an ordinary DELETE.
CREATE FUNCTION drop_message_partitions_before(cutoff timestamptz) RETURNS integer
  LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
  part record;
  dropped integer := 0;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('smskit-partitions:' || current_schema()));
  FOR part IN
    SELECT c.relname FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid
    WHERE h.inhparent = 'sms_messages'::regclass AND c.relname ~ '^sms_messages_p[0-9]{4}_[0-9]{2}$'
      AND (to_date(substring(c.relname FROM 15), 'YYYY_MM')::timestamp AT TIME ZONE 'UTC') + interval '1 month'
          <= cutoff
    ORDER BY c.relname
  LOOP
    EXECUTE format('DELETE FROM %I', part.relname);
    EXECUTE format('ALTER TABLE sms_messages DETACH PARTITION %I', part.relname);
    EXECUTE format('DROP TABLE %I', part.relname);
    dropped := dropped + 1;
  END LOOP;
  RETURN dropped;
END $$;
COMMENT ON FUNCTION drop_message_partitions_before(timestamptz) IS
  'Deletes the messages (and by cascade their children) of every month partition ending on or before cutoff, then drops those partitions; returns how many.';

-- 7. Children reference the message by its full key; message_created_at filled from the message where a
--    statement did not pass it.
CREATE FUNCTION fill_message_created_at() RETURNS trigger
  LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  SELECT m.created_at INTO NEW.message_created_at FROM sms_messages m
  WHERE m.tenant_id = NEW.tenant_id AND m.id = NEW.message_id;
  IF NOT FOUND THEN
    -- As the foreign key would say: the message is unknown (to this tenant).
    RAISE EXCEPTION 'insert or update on table "%" violates foreign key constraint "%"', TG_TABLE_NAME,
      TG_TABLE_NAME || '_message_fkey'
      USING ERRCODE = 'foreign_key_violation', CONSTRAINT = TG_TABLE_NAME || '_message_fkey',
            TABLE = TG_TABLE_NAME, SCHEMA = TG_TABLE_SCHEMA;
  END IF;
  RETURN NEW;
END $$;
COMMENT ON FUNCTION fill_message_created_at() IS
  'Sets message_created_at of a child row from its message, for writers that did not pass it.';

CREATE TRIGGER sms_attachments_message_created_at BEFORE INSERT OR UPDATE OF message_id ON sms_attachments
  FOR EACH ROW WHEN (NEW.message_id IS NOT NULL AND NEW.message_created_at IS NULL)
  EXECUTE FUNCTION fill_message_created_at();
CREATE TRIGGER sms_reactions_message_created_at BEFORE INSERT OR UPDATE OF message_id ON sms_reactions
  FOR EACH ROW WHEN (NEW.message_id IS NOT NULL AND NEW.message_created_at IS NULL)
  EXECUTE FUNCTION fill_message_created_at();
CREATE TRIGGER sms_message_status_events_message_created_at
  BEFORE INSERT OR UPDATE OF message_id ON sms_message_status_events
  FOR EACH ROW WHEN (NEW.message_id IS NOT NULL AND NEW.message_created_at IS NULL)
  EXECUTE FUNCTION fill_message_created_at();
CREATE TRIGGER sms_message_keys_message_created_at BEFORE INSERT OR UPDATE OF message_id ON sms_message_keys
  FOR EACH ROW WHEN (NEW.message_id IS NOT NULL AND NEW.message_created_at IS NULL)
  EXECUTE FUNCTION fill_message_created_at();
CREATE TRIGGER sms_outbox_message_created_at BEFORE INSERT OR UPDATE OF message_id ON sms_outbox
  FOR EACH ROW WHEN (NEW.message_id IS NOT NULL AND NEW.message_created_at IS NULL)
  EXECUTE FUNCTION fill_message_created_at();
CREATE TRIGGER sms_send_attempts_message_created_at BEFORE INSERT OR UPDATE OF message_id ON sms_send_attempts
  FOR EACH ROW WHEN (NEW.message_id IS NOT NULL AND NEW.message_created_at IS NULL)
  EXECUTE FUNCTION fill_message_created_at();
CREATE TRIGGER sms_held_messages_message_created_at BEFORE INSERT OR UPDATE OF message_id ON sms_held_messages
  FOR EACH ROW WHEN (NEW.message_id IS NOT NULL AND NEW.message_created_at IS NULL)
  EXECUTE FUNCTION fill_message_created_at();

ALTER TABLE sms_attachments ADD CONSTRAINT sms_attachments_message_fkey
  FOREIGN KEY (tenant_id, message_id, message_created_at)
  REFERENCES sms_messages (tenant_id, id, created_at) ON DELETE CASCADE;
ALTER TABLE sms_reactions ADD CONSTRAINT sms_reactions_message_fkey
  FOREIGN KEY (tenant_id, message_id, message_created_at)
  REFERENCES sms_messages (tenant_id, id, created_at) ON DELETE CASCADE;
ALTER TABLE sms_message_status_events ADD CONSTRAINT sms_message_status_events_message_fkey
  FOREIGN KEY (tenant_id, message_id, message_created_at)
  REFERENCES sms_messages (tenant_id, id, created_at) ON DELETE CASCADE;
ALTER TABLE sms_message_keys ADD CONSTRAINT sms_message_keys_message_fkey
  FOREIGN KEY (tenant_id, message_id, message_created_at)
  REFERENCES sms_messages (tenant_id, id, created_at) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE sms_outbox ADD CONSTRAINT sms_outbox_message_fkey
  FOREIGN KEY (tenant_id, message_id, message_created_at)
  REFERENCES sms_messages (tenant_id, id, created_at) ON DELETE CASCADE;
ALTER TABLE sms_send_attempts ADD CONSTRAINT sms_send_attempts_message_fkey
  FOREIGN KEY (tenant_id, message_id, message_created_at)
  REFERENCES sms_messages (tenant_id, id, created_at) ON DELETE CASCADE;
ALTER TABLE sms_held_messages ADD CONSTRAINT sms_held_messages_message_fkey
  FOREIGN KEY (tenant_id, message_id, message_created_at)
  REFERENCES sms_messages (tenant_id, id, created_at) ON DELETE CASCADE;
