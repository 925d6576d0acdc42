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
