-- smskit V2: what the service layer needs beside the spec's tables.
--   sms_opt_outs           recipients who opted out (and back in): when, how, and for which scope.
--   sms_message_keys       unique keys that point at one message (the caller's idempotency key, a provider's id
--                          of an inbound message) kept apart from sms_messages so that its keys stay
--                          (tenant_id, id) when it is partitioned.
--   sms_inbound_fragments  parts of inbound messages that providers deliver in pieces, until complete.

CREATE TABLE sms_opt_outs (
  tenant_id          text COLLATE "C" NOT NULL,
  id                 uuid             NOT NULL DEFAULT uuid_generate_v7(),
  phone              varchar          NOT NULL,
  scope              varchar          NOT NULL,
  service_account_id uuid,
  campaign_id        bigint,
  scope_key          text GENERATED ALWAYS AS (
                       scope || ':' || coalesce(service_account_id::text, campaign_id::text, '')) STORED,
  source             varchar          NOT NULL,
  keyword            varchar,
  provider           varchar,
  opted_out_at       timestamptz      NOT NULL DEFAULT now(),
  opted_in_at        timestamptz,
  opt_in_source      varchar,
  CONSTRAINT sms_opt_outs_pkey PRIMARY KEY (tenant_id, id),
  CONSTRAINT sms_opt_outs_service_account_fkey FOREIGN KEY (tenant_id, service_account_id)
    REFERENCES sms_service_accounts (tenant_id, id),
  CONSTRAINT sms_opt_outs_phone_e164 CHECK (phone ~ '^\+[1-9][0-9]{1,14}$'),
  CONSTRAINT sms_opt_outs_scope_check CHECK (scope IN ('all', 'marketing', 'service', 'campaign')),
  CONSTRAINT sms_opt_outs_scope_target CHECK (
    (scope = 'service') = (service_account_id IS NOT NULL) AND (scope = 'campaign') = (campaign_id IS NOT NULL)),
  CONSTRAINT sms_opt_outs_source_check CHECK (source IN ('keyword', 'provider', 'api')),
  CONSTRAINT sms_opt_outs_opt_in_source_check CHECK (opt_in_source IN ('keyword', 'provider', 'api')),
  CONSTRAINT sms_opt_outs_opted_in_after_out CHECK (opted_in_at >= opted_out_at)
);
COMMENT ON TABLE sms_opt_outs IS 'Opt-outs by recipient and scope; a row with opted_in_at set is history.';
-- One active opt-out per recipient and scope.
CREATE UNIQUE INDEX uq_sms_opt_outs_active ON sms_opt_outs (tenant_id, phone, scope_key) WHERE opted_in_at IS NULL;
CREATE INDEX idx_sms_opt_outs_opted_out_at ON sms_opt_outs (tenant_id, opted_out_at, id);

CREATE TABLE sms_message_keys (
  tenant_id  text COLLATE "C" NOT NULL,
  kind       varchar          NOT NULL,
  key        varchar          NOT NULL,
  message_id uuid             NOT NULL,
  created_at timestamptz      NOT NULL DEFAULT now(),
  CONSTRAINT sms_message_keys_pkey PRIMARY KEY (tenant_id, kind, key),
  -- Deferred: a send claims its idempotency key before it writes the message, so that a duplicate request
  -- finds the key taken (or waits for the first request to commit) before anything else is written.
  CONSTRAINT sms_message_keys_message_fkey FOREIGN KEY (tenant_id, message_id)
    REFERENCES sms_messages (tenant_id, id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  CONSTRAINT sms_message_keys_kind_check CHECK (kind IN ('idempotency', 'inbound')),
  CONSTRAINT sms_message_keys_key_length CHECK (char_length(key) BETWEEN 1 AND 255)
);
COMMENT ON TABLE sms_message_keys IS 'Idempotency keys of sends and provider ids of inbound messages: each names one message.';
CREATE INDEX idx_sms_message_keys_message ON sms_message_keys (tenant_id, message_id);

CREATE TABLE sms_inbound_fragments (
  tenant_id   text COLLATE "C" NOT NULL,
  provider    varchar          NOT NULL,
  reference   varchar          NOT NULL,
  part        integer          NOT NULL,
  total       integer          NOT NULL,
  payload     text             NOT NULL,
  received_at timestamptz      NOT NULL DEFAULT now(),
  expires_at  timestamptz      NOT NULL,
  -- Set when the set completed: its rows stay a little while (payload emptied) so that a part the provider
  -- delivers again late is recognised as already used instead of starting a new, never-complete set.
  completed_at timestamptz,
  CONSTRAINT sms_inbound_fragments_pkey PRIMARY KEY (tenant_id, provider, reference, part),
  CONSTRAINT sms_inbound_fragments_part_range CHECK (part BETWEEN 1 AND total),
  CONSTRAINT sms_inbound_fragments_total_range CHECK (total BETWEEN 1 AND 255)
);
COMMENT ON TABLE sms_inbound_fragments IS 'Parts of concatenated inbound messages waiting for the rest; kept briefly after completion, deleted when expired.';
CREATE INDEX idx_sms_inbound_fragments_expires ON sms_inbound_fragments (tenant_id, expires_at);
