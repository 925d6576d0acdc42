-- smskit V9: conversation analysis (summary, key points, sentiment) filled in the background.
--
-- The spec's analysis columns of sms_meta_conversation are written by an analysis worker, never on the send or
-- webhook path. A conversation is found stale from its rollup (last_message_at moved past the messages the last
-- analysis read), so marking costs the send path nothing and survives any crash; one task row per conversation
-- coalesces its messages and debounces the work.

-- 1. What the stored analysis was made from, and two labels the spec has no column for.
ALTER TABLE sms_meta_conversation ADD COLUMN ai_input_fingerprint text;
ALTER TABLE sms_meta_conversation ADD COLUMN ai_input_last_message_at timestamptz;
ALTER TABLE sms_meta_conversation ADD COLUMN ai_intent varchar;
ALTER TABLE sms_meta_conversation ADD COLUMN ai_language varchar;
COMMENT ON COLUMN sms_meta_conversation.ai_input_fingerprint IS
  'SHA-256 of the analyzer''s fingerprint (name, version, prompt, model) and the message window the stored analysis read; an analysis of the same input is skipped.';
COMMENT ON COLUMN sms_meta_conversation.ai_input_last_message_at IS
  'last_message_at of the conversation when the stored analysis read its messages; a later message makes the analysis stale.';
COMMENT ON COLUMN sms_meta_conversation.ai_intent IS 'The analyzer''s intent label of the customer''s last message.';
COMMENT ON COLUMN sms_meta_conversation.ai_language IS
  'The language the analyzer read (BCP-47); set with no summary when it could not read it.';

-- The most negative (or positive) conversations of a state first: "which open conversations are going badly".
CREATE INDEX idx_sms_meta_conversation_sentiment
  ON sms_meta_conversation (tenant_id, state, sentiment_score, id) WHERE sentiment_score IS NOT NULL;

-- 2. One pending analysis per conversation. due_at moves with each new message (debounce) but never past
--    first_requested_at + the worker's longest delay; a worker leases the row while it analyses.
CREATE TABLE sms_analysis_tasks (
  tenant_id          text COLLATE "C" NOT NULL,
  conversation_id    varchar          NOT NULL,
  due_at             timestamptz      NOT NULL,
  first_requested_at timestamptz      NOT NULL,
  seen_message_at    timestamptz      NOT NULL,
  attempts           integer          NOT NULL DEFAULT 0,
  lease_owner        text,
  lease_until        timestamptz,
  last_error         text,
  CONSTRAINT sms_analysis_tasks_pkey PRIMARY KEY (tenant_id, conversation_id),
  CONSTRAINT sms_analysis_tasks_conversation_fkey FOREIGN KEY (tenant_id, conversation_id)
    REFERENCES sms_meta_conversation (tenant_id, conversation_id) ON DELETE CASCADE,
  CONSTRAINT sms_analysis_tasks_attempts_range CHECK (attempts >= 0),
  CONSTRAINT sms_analysis_tasks_lease CHECK ((lease_owner IS NULL) = (lease_until IS NULL))
);
CREATE INDEX idx_sms_analysis_tasks_due ON sms_analysis_tasks (due_at);
COMMENT ON TABLE sms_analysis_tasks IS 'Conversations waiting for analysis: one row each, coalesced and debounced.';

-- 3. How far the stale-conversation sweep has looked (one row per installation; it spans tenants).
CREATE TABLE sms_analysis_sweeps (
  id        smallint    NOT NULL DEFAULT 1,
  swept_to  timestamptz NOT NULL,
  CONSTRAINT sms_analysis_sweeps_pkey PRIMARY KEY (id),
  CONSTRAINT sms_analysis_sweeps_single CHECK (id = 1)
);

-- 4. Each tenant's analyzer (none: the offline lexicon analyzer). Secrets (an API key) are encrypted like the
--    sender accounts' credentials, bound to tenant, table, column and setting name.
CREATE TABLE sms_analyzer_settings (
  tenant_id  text COLLATE "C" NOT NULL,
  analyzer   varchar          NOT NULL,
  settings   jsonb            NOT NULL DEFAULT '{}',
  secrets    jsonb            NOT NULL DEFAULT '{}',
  updated_at timestamptz      NOT NULL DEFAULT now(),
  CONSTRAINT sms_analyzer_settings_pkey PRIMARY KEY (tenant_id),
  CONSTRAINT sms_analyzer_settings_analyzer_format CHECK (analyzer ~ '^[a-z][a-z0-9_-]*$' AND char_length(analyzer) <= 50),
  CONSTRAINT sms_analyzer_settings_settings_object CHECK (jsonb_typeof(settings) = 'object'),
  CONSTRAINT sms_analyzer_settings_secrets_object CHECK (jsonb_typeof(secrets) = 'object')
);

-- 5. One row per analysis run: which analyzer and model, tokens, latency and outcome (an audit and cost trail;
--    no message text). Prune with an ordinary DELETE by created_at.
CREATE TABLE sms_analysis_runs (
  tenant_id         text COLLATE "C" NOT NULL,
  id                uuid             NOT NULL DEFAULT uuid_generate_v7(),
  conversation_id   varchar          NOT NULL,
  analyzer          varchar          NOT NULL,
  model             varchar,
  model_version     varchar,
  outcome           varchar          NOT NULL,
  error_code        varchar,
  prompt_tokens     integer          NOT NULL DEFAULT 0,
  completion_tokens integer          NOT NULL DEFAULT 0,
  latency_ms        integer          NOT NULL,
  messages          integer          NOT NULL,
  created_at        timestamptz      NOT NULL DEFAULT now(),
  CONSTRAINT sms_analysis_runs_pkey PRIMARY KEY (tenant_id, id),
  CONSTRAINT sms_analysis_runs_outcome_check
    CHECK (outcome IN ('analyzed', 'unsupported_language', 'unchanged', 'failed')),
  CONSTRAINT sms_analysis_runs_counts CHECK (prompt_tokens >= 0 AND completion_tokens >= 0 AND latency_ms >= 0
    AND messages >= 0)
);
CREATE INDEX idx_sms_analysis_runs_conversation ON sms_analysis_runs (tenant_id, conversation_id, created_at);
CREATE INDEX idx_sms_analysis_runs_created ON sms_analysis_runs (created_at);
