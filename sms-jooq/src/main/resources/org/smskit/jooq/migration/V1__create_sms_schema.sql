-- smskit V1: the SMS module of sms-module-schema.md, in the library's own schema (Flyway sets search_path to it).
--
-- Differences from the spec's listing, all from its own "Data Quality Recommendations" and
-- "Design Considerations":
--   * every table carries tenant_id, and every primary key, unique key, foreign key and per-tenant index leads
--     with it, so one tenant's rows can never reference or collide with another's (and the schema can be
--     distributed by tenant_id on Citus, or guarded by row level security, without a redesign);
--   * real types: timestamptz for sent_at, delivered_at, failed_at, last_contacted_at; jsonb for metadata and
--     settings; uuid foreign key for assigned_phone_number_id;
--   * CHECK constraints for E.164, direction, service type, status (per direction), body length, scores;
--   * conversation integrity by a composite foreign key (tenant_id, conversation_id);
--   * updated_at kept by a trigger; status history in sms_message_status_events;
--   * ids are UUIDv7 (time-ordered) so sms_messages can later be range-partitioned on id with unchanged keys.
-- Index names are the spec's. Where the spec lists a single-column index and a composite one with the same
-- leading column, one index named after the single-column entry serves both (a prefix index would be pure
-- write cost): idx_sms_messages_conversation_id is (tenant_id, conversation_id, created_at, id) and
-- idx_sms_messages_to_number is (tenant_id, to_number, created_at).
-- Never edit this file once released: add a new V<n>__ migration.

-- UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, version and variant bits, the rest random.
-- The library generates ids in Java too; this default serves rows written by hand.
CREATE FUNCTION uuid_generate_v7() RETURNS uuid
  LANGUAGE sql VOLATILE PARALLEL SAFE
AS $$
  SELECT encode(
           set_bit(set_bit(
             overlay(uuid_send(gen_random_uuid())
                     PLACING substring(int8send((extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
                     FROM 1 FOR 6),
             52, 1), 53, 1),
           'hex')::uuid
$$;

CREATE FUNCTION touch_updated_at() RETURNS trigger
  LANGUAGE plpgsql
AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END
$$;

-- 1. Provider accounts -----------------------------------------------------------------------------------------
CREATE TABLE sms_sender_accounts (
  tenant_id    text COLLATE "C" NOT NULL,
  id           uuid             NOT NULL DEFAULT uuid_generate_v7(),
  account_name varchar,
  provider     varchar          NOT NULL,
  account_sid  varchar,
  auth_token   varchar,
  settings     jsonb            NOT NULL DEFAULT '{}'::jsonb,
  is_active    integer          NOT NULL DEFAULT 1,
  created_at   timestamptz      NOT NULL DEFAULT now(),
  updated_at   timestamptz      NOT NULL DEFAULT now(),
  CONSTRAINT sms_sender_accounts_pkey PRIMARY KEY (tenant_id, id),
  CONSTRAINT sms_sender_accounts_tenant_id_format CHECK (tenant_id ~ '^[A-Za-z0-9_.-]{1,64}$'),
  CONSTRAINT sms_sender_accounts_provider_format CHECK (provider ~ '^[a-z][a-z0-9_-]{0,49}$'),
  CONSTRAINT sms_sender_accounts_auth_token_encrypted
    CHECK (auth_token IS NULL OR auth_token ~ '^enc:v1:[A-Za-z0-9_.-]{1,64}:[A-Za-z0-9+/]+={0,2}$'),
  CONSTRAINT sms_sender_accounts_settings_object CHECK (jsonb_typeof(settings) = 'object'),
  CONSTRAINT sms_sender_accounts_is_active_flag CHECK (is_active IN (0, 1))
);
COMMENT ON TABLE sms_sender_accounts IS 'Upstream SMS provider accounts (Twilio, Vonage...) with encrypted credentials.';
COMMENT ON COLUMN sms_sender_accounts.provider IS 'Provider SPI name, lower case: twilio, vonage, simulated.';
COMMENT ON COLUMN sms_sender_accounts.auth_token IS 'AES-256-GCM ciphertext: enc:v1:<keyId>:<base64>. Never plaintext.';

CREATE INDEX idx_sms_sender_accounts_provider ON sms_sender_accounts (tenant_id, provider);
CREATE INDEX idx_sms_sender_accounts_active ON sms_sender_accounts (tenant_id, is_active) WHERE is_active = 1;

-- 2. Our phone numbers -----------------------------------------------------------------------------------------
CREATE TABLE sms_sender_phone_numbers (
  tenant_id     text COLLATE "C" NOT NULL,
  id            uuid             NOT NULL DEFAULT uuid_generate_v7(),
  phone_number  varchar          NOT NULL,
  friendly_name varchar,
  is_primary    integer          NOT NULL DEFAULT 0,
  is_active     integer          NOT NULL DEFAULT 1,
  assigned_to   text,
  account_id    uuid             NOT NULL,
  created_at    timestamptz      NOT NULL DEFAULT now(),
  updated_at    timestamptz      NOT NULL DEFAULT now(),
  CONSTRAINT sms_sender_phone_numbers_pkey PRIMARY KEY (tenant_id, id),
  CONSTRAINT sms_sender_phone_numbers_account_fkey FOREIGN KEY (tenant_id, account_id)
    REFERENCES sms_sender_accounts (tenant_id, id),
  CONSTRAINT sms_sender_phone_numbers_phone_number_e164 CHECK (phone_number ~ '^\+[1-9][0-9]{1,14}$'),
  CONSTRAINT sms_sender_phone_numbers_is_primary_flag CHECK (is_primary IN (0, 1)),
  CONSTRAINT sms_sender_phone_numbers_is_active_flag CHECK (is_active IN (0, 1))
);
COMMENT ON TABLE sms_sender_phone_numbers IS 'Pool of our numbers for sending and receiving, owned by a sender account.';

CREATE INDEX idx_sms_phone_numbers_account_id ON sms_sender_phone_numbers (tenant_id, account_id);
CREATE INDEX idx_sms_phone_numbers_is_active ON sms_sender_phone_numbers (tenant_id, is_active);
CREATE INDEX idx_sms_phone_numbers_is_primary ON sms_sender_phone_numbers (tenant_id, is_primary);
-- A number belongs to one account of a tenant.
CREATE UNIQUE INDEX idx_sms_phone_numbers_phone ON sms_sender_phone_numbers (tenant_id, phone_number);
-- At most one primary number per account.
CREATE UNIQUE INDEX uq_sms_phone_numbers_one_primary ON sms_sender_phone_numbers (tenant_id, account_id)
  WHERE is_primary = 1;

-- 3. Messaging services ----------------------------------------------------------------------------------------
CREATE TABLE sms_service_accounts (
  tenant_id            text COLLATE "C" NOT NULL,
  id                   uuid             NOT NULL DEFAULT uuid_generate_v7(),
  sender_account_id    uuid             NOT NULL,
  service_name         varchar          NOT NULL,
  service_type         varchar          NOT NULL,
  provider_service_sid varchar,
  settings             jsonb            NOT NULL DEFAULT '{}'::jsonb,
  is_active            boolean          NOT NULL DEFAULT true,
  linked_campaign_id   bigint,
  linked_project_id    bigint,
  description          text,
  created_at           timestamptz      NOT NULL DEFAULT now(),
  updated_at           timestamptz      NOT NULL DEFAULT now(),
  CONSTRAINT sms_service_accounts_pkey PRIMARY KEY (tenant_id, id),
  CONSTRAINT sms_service_accounts_sender_account_fkey FOREIGN KEY (tenant_id, sender_account_id)
    REFERENCES sms_sender_accounts (tenant_id, id),
  CONSTRAINT sms_service_accounts_service_type_check
    CHECK (service_type IN ('campaign', 'conversation', 'support', 'marketing', 'transactional')),
  CONSTRAINT sms_service_accounts_service_name_not_blank CHECK (btrim(service_name) <> ''),
  CONSTRAINT sms_service_accounts_settings_object CHECK (jsonb_typeof(settings) = 'object')
);
COMMENT ON TABLE sms_service_accounts IS 'Messaging services over provider accounts, linkable to host campaigns and projects.';
COMMENT ON COLUMN sms_service_accounts.linked_campaign_id IS 'mkt_campaigns.id of the host; a foreign key exists only when the host declares the table.';
COMMENT ON COLUMN sms_service_accounts.linked_project_id IS 'project.id of the host; a foreign key exists only when the host declares the table.';

CREATE INDEX idx_sms_service_accounts_sender_account ON sms_service_accounts (tenant_id, sender_account_id);
CREATE INDEX idx_sms_service_accounts_campaign ON sms_service_accounts (tenant_id, linked_campaign_id);
CREATE INDEX idx_sms_service_accounts_project ON sms_service_accounts (tenant_id, linked_project_id);
CREATE INDEX idx_sms_service_accounts_type ON sms_service_accounts (tenant_id, service_type);
CREATE INDEX idx_sms_service_accounts_active ON sms_service_accounts (tenant_id, is_active) WHERE is_active = true;

-- 4. Contacts --------------------------------------------------------------------------------------------------
CREATE TABLE sms_contacts (
  tenant_id                text COLLATE "C" NOT NULL,
  id                       uuid             NOT NULL DEFAULT uuid_generate_v7(),
  name                     varchar,
  phone                    varchar          NOT NULL,
  country_code             text,
  area_code                text,
  timezone                 text,
  crm_id                   text,
  last_contacted_at        timestamptz,
  assigned_phone_number_id uuid,
  created_at               timestamptz      NOT NULL DEFAULT now(),
  updated_at               timestamptz      NOT NULL DEFAULT now(),
  CONSTRAINT sms_contacts_pkey PRIMARY KEY (tenant_id, id),
  CONSTRAINT sms_contacts_assigned_phone_number_fkey FOREIGN KEY (tenant_id, assigned_phone_number_id)
    REFERENCES sms_sender_phone_numbers (tenant_id, id),
  CONSTRAINT sms_contacts_phone_e164 CHECK (phone ~ '^\+[1-9][0-9]{1,14}$'),
  CONSTRAINT sms_contacts_country_code_digits CHECK (country_code ~ '^[1-9][0-9]{0,2}$'),
  CONSTRAINT sms_contacts_area_code_digits CHECK (area_code ~ '^[0-9]{1,6}$')
);
COMMENT ON TABLE sms_contacts IS 'Address book of SMS recipients; one contact per E.164 number and tenant.';
COMMENT ON COLUMN sms_contacts.crm_id IS 'The host''s crm_customers id, as text.';

CREATE UNIQUE INDEX idx_sms_contacts_phone ON sms_contacts (tenant_id, phone);
CREATE INDEX idx_sms_contacts_crm_id ON sms_contacts (tenant_id, crm_id);
CREATE INDEX idx_sms_contacts_assigned_phone ON sms_contacts (tenant_id, assigned_phone_number_id);
CREATE INDEX idx_sms_contacts_last_contacted ON sms_contacts (tenant_id, last_contacted_at DESC NULLS LAST, id);

-- 8. Conversations (created before messages, which reference them) -------------------------------------------
CREATE TABLE sms_meta_conversation (
  tenant_id          text COLLATE "C" NOT NULL,
  id                 uuid             NOT NULL DEFAULT uuid_generate_v7(),
  conversation_id    varchar          NOT NULL,
  customer_id_crm    integer,
  assigned_staff_id  integer,
  status             varchar          NOT NULL DEFAULT 'active',
  priority           varchar          NOT NULL DEFAULT 'medium',
  tags               text[]           NOT NULL DEFAULT '{}',
  state              varchar          NOT NULL DEFAULT 'open',
  conversation_start timestamptz,
  conversation_end   timestamptz,
  last_message_at    timestamptz      NOT NULL DEFAULT now(),
  message_count      integer          NOT NULL DEFAULT 0,
  journey_stage      varchar,
  emotion            varchar,
  next_action        text,
  summary_text       text,
  reply_quality      varchar,
  key_points         text[]           NOT NULL DEFAULT '{}',
  sentiment_score    numeric,
  ai_model           varchar,
  confidence_score   numeric,
  summary_updated_at timestamptz,
  created_at         timestamptz      NOT NULL DEFAULT now(),
  updated_at         timestamptz      NOT NULL DEFAULT now(),
  unread_count       integer          NOT NULL DEFAULT 0,
  -- The one primary key without tenant_id: the spec's "conversation with message count" query groups by mc.id
  -- alone, which PostgreSQL allows only when id is the primary key. Ids are UUIDv7, unique on their own;
  -- (tenant_id, id) stays unique for tenant-scoped references (and becomes the key if distributed on Citus).
  CONSTRAINT sms_meta_conversation_pkey PRIMARY KEY (id),
  CONSTRAINT sms_meta_conversation_tenant_id_key UNIQUE (tenant_id, id),
  CONSTRAINT sms_meta_conversation_conversation_id_key UNIQUE (tenant_id, conversation_id),
  CONSTRAINT sms_meta_conversation_conversation_id_format
    CHECK (conversation_id ~ '^[A-Za-z0-9_.:+@=-]{1,200}$'),
  CONSTRAINT sms_meta_conversation_status_check CHECK (status IN ('active', 'inactive', 'archived', 'spam')),
  CONSTRAINT sms_meta_conversation_priority_check CHECK (priority IN ('low', 'medium', 'high', 'urgent')),
  CONSTRAINT sms_meta_conversation_state_check CHECK (state IN ('open', 'pending', 'snoozed', 'closed')),
  CONSTRAINT sms_meta_conversation_message_count_range CHECK (message_count >= 0),
  CONSTRAINT sms_meta_conversation_unread_count_range CHECK (unread_count >= 0 AND unread_count <= message_count),
  CONSTRAINT sms_meta_conversation_sentiment_score_range CHECK (sentiment_score BETWEEN -1 AND 1),
  CONSTRAINT sms_meta_conversation_confidence_score_range CHECK (confidence_score BETWEEN 0 AND 1),
  CONSTRAINT sms_meta_conversation_end_after_start CHECK (conversation_end >= conversation_start)
);
COMMENT ON TABLE sms_meta_conversation IS 'Conversation rollup: inbox state, exact counters and AI analysis.';
COMMENT ON COLUMN sms_meta_conversation.customer_id_crm IS 'crm_customers.id of the host; a foreign key exists only when the host declares the table.';
COMMENT ON COLUMN sms_meta_conversation.assigned_staff_id IS 'sys_users.id of the host; a foreign key exists only when the host declares the table.';

CREATE INDEX idx_sms_meta_conversation_customer ON sms_meta_conversation (tenant_id, customer_id_crm);
CREATE INDEX idx_sms_meta_conversation_staff
  ON sms_meta_conversation (tenant_id, assigned_staff_id, last_message_at DESC, id DESC);
CREATE INDEX idx_sms_meta_conversation_last_message
  ON sms_meta_conversation (tenant_id, last_message_at DESC, id DESC);
CREATE INDEX idx_sms_meta_conversation_status ON sms_meta_conversation (tenant_id, status);
CREATE INDEX idx_sms_meta_conversation_state ON sms_meta_conversation (tenant_id, state);
CREATE INDEX idx_sms_meta_conversation_unread ON sms_meta_conversation (tenant_id, unread_count)
  WHERE unread_count > 0;
-- The inbox: active, open conversations, newest first.
CREATE INDEX idx_sms_meta_conversation_inbox ON sms_meta_conversation (tenant_id, last_message_at DESC, id DESC)
  WHERE status = 'active' AND state = 'open';

-- 5. Messages --------------------------------------------------------------------------------------------------
CREATE TABLE sms_messages (
  tenant_id              text COLLATE "C" NOT NULL,
  id                     uuid             NOT NULL DEFAULT uuid_generate_v7(),
  direction              varchar          NOT NULL,
  from_number            varchar          NOT NULL,
  to_number              varchar          NOT NULL,
  body                   text,
  media_count            integer          NOT NULL DEFAULT 0,
  status                 varchar          NOT NULL,
  provider               varchar,
  provider_message_sid   varchar,
  provider_error_code    text,
  provider_payload       text,
  received_at            timestamptz,
  sent_at                timestamptz,
  delivered_at           timestamptz,
  failed_at              timestamptz,
  conversation_id        varchar          NOT NULL,
  user_id                text,
  metadata               jsonb            NOT NULL DEFAULT '{}'::jsonb,
  message_type           text             NOT NULL DEFAULT 'sms',
  sender_phone_number_id uuid,
  service_account_id     uuid,
  read_at                timestamptz,
  created_at             timestamptz      NOT NULL DEFAULT now(),
  updated_at             timestamptz      NOT NULL DEFAULT now(),
  segment_count          integer,
  encoding               varchar,
  CONSTRAINT sms_messages_pkey PRIMARY KEY (tenant_id, id),
  CONSTRAINT sms_messages_conversation_fkey FOREIGN KEY (tenant_id, conversation_id)
    REFERENCES sms_meta_conversation (tenant_id, conversation_id) ON DELETE CASCADE,
  CONSTRAINT sms_messages_sender_phone_number_fkey FOREIGN KEY (tenant_id, sender_phone_number_id)
    REFERENCES sms_sender_phone_numbers (tenant_id, id),
  CONSTRAINT sms_messages_service_account_fkey FOREIGN KEY (tenant_id, service_account_id)
    REFERENCES sms_service_accounts (tenant_id, id),
  CONSTRAINT sms_messages_direction_check CHECK (direction IN ('inbound', 'outbound')),
  CONSTRAINT sms_messages_status_check CHECK (
    (direction = 'inbound' AND status IN ('received', 'read'))
    OR (direction = 'outbound' AND status IN ('scheduled', 'queued', 'sending', 'sent', 'delivered', 'undelivered',
                                              'failed', 'canceled', 'read'))),
  -- E.164, or a short code (3 to 8 digits), or an alphanumeric sender ID (1 to 11 characters, one letter at least).
  CONSTRAINT sms_messages_from_number_address CHECK (
    from_number ~ '^\+[1-9][0-9]{1,14}$'
    OR from_number ~ '^[0-9]{3,8}$'
    OR (from_number ~ '^[A-Za-z0-9 &_-]{1,11}$' AND from_number ~ '[A-Za-z]')),
  CONSTRAINT sms_messages_to_number_address CHECK (
    to_number ~ '^\+[1-9][0-9]{1,14}$'
    OR to_number ~ '^[0-9]{3,8}$'
    OR (to_number ~ '^[A-Za-z0-9 &_-]{1,11}$' AND to_number ~ '[A-Za-z]')),
  CONSTRAINT sms_messages_body_length CHECK (char_length(body) <= 1600),
  CONSTRAINT sms_messages_outbound_content
    CHECK (direction = 'inbound' OR media_count > 0 OR coalesce(body, '') <> ''),
  CONSTRAINT sms_messages_media_count_range CHECK (media_count >= 0),
  CONSTRAINT sms_messages_provider_format CHECK (provider ~ '^[a-z][a-z0-9_-]{0,49}$'),
  CONSTRAINT sms_messages_metadata_object CHECK (jsonb_typeof(metadata) = 'object'),
  CONSTRAINT sms_messages_message_type_check CHECK (message_type IN ('sms', 'mms')),
  CONSTRAINT sms_messages_segment_count_range CHECK (segment_count >= 1),
  CONSTRAINT sms_messages_encoding_check CHECK (encoding IN ('gsm7', 'ucs2'))
);
COMMENT ON TABLE sms_messages IS 'Core message log, inbound and outbound.';
COMMENT ON COLUMN sms_messages.conversation_id IS 'sms_meta_conversation.conversation_id (enforced by a foreign key).';
COMMENT ON COLUMN sms_messages.provider_payload IS 'The provider''s raw answer or webhook body, kept for support cases.';

CREATE INDEX idx_sms_messages_conversation_id ON sms_messages (tenant_id, conversation_id, created_at, id);
CREATE INDEX idx_sms_messages_to_number ON sms_messages (tenant_id, to_number, created_at);
CREATE INDEX idx_sms_messages_from_number ON sms_messages (tenant_id, from_number, created_at);
CREATE INDEX idx_sms_messages_status ON sms_messages (tenant_id, status, created_at);
CREATE INDEX idx_sms_messages_service_account ON sms_messages (tenant_id, service_account_id, created_at);
CREATE INDEX idx_sms_messages_sender_phone ON sms_messages (tenant_id, sender_phone_number_id);
CREATE INDEX idx_sms_messages_received_at ON sms_messages (tenant_id, received_at);
CREATE INDEX idx_sms_messages_created_at ON sms_messages (tenant_id, created_at);
CREATE INDEX idx_sms_messages_read_at ON sms_messages (tenant_id, read_at);
-- Unread inbound messages, newest first: the inbox badge and the unread query.
CREATE INDEX idx_sms_messages_unread_inbound ON sms_messages (tenant_id, created_at DESC, id DESC)
  WHERE read_at IS NULL AND direction = 'inbound';
CREATE INDEX idx_sms_messages_provider_sid ON sms_messages (tenant_id, provider, provider_message_sid)
  WHERE provider_message_sid IS NOT NULL;
CREATE INDEX idx_sms_messages_metadata ON sms_messages USING gin (metadata jsonb_path_ops);

-- 6. Attachments -----------------------------------------------------------------------------------------------
CREATE TABLE sms_attachments (
  tenant_id          text COLLATE "C" NOT NULL,
  id                 uuid             NOT NULL DEFAULT uuid_generate_v7(),
  message_id         uuid             NOT NULL,
  file_url           text             NOT NULL,
  file_name          varchar,
  file_type          varchar,
  file_size          integer,
  mime_type          varchar,
  provider_media_sid varchar,
  created_at         timestamptz      NOT NULL DEFAULT now(),
  CONSTRAINT sms_attachments_pkey PRIMARY KEY (tenant_id, id),
  CONSTRAINT sms_attachments_message_fkey FOREIGN KEY (tenant_id, message_id)
    REFERENCES sms_messages (tenant_id, id) ON DELETE CASCADE,
  CONSTRAINT sms_attachments_file_url_not_blank CHECK (btrim(file_url) <> ''),
  CONSTRAINT sms_attachments_file_size_range CHECK (file_size >= 0),
  CONSTRAINT sms_attachments_mime_type_format CHECK (mime_type ~ '^[a-z0-9][a-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*$')
);
COMMENT ON TABLE sms_attachments IS 'Media of a message; deleted with it.';

CREATE INDEX idx_sms_attachments_message_id ON sms_attachments (tenant_id, message_id);
CREATE INDEX idx_sms_attachments_provider_media ON sms_attachments (tenant_id, provider_media_sid);

-- 7. Reactions -------------------------------------------------------------------------------------------------
CREATE TABLE sms_reactions (
  tenant_id      text COLLATE "C" NOT NULL,
  id             uuid             NOT NULL DEFAULT uuid_generate_v7(),
  message_id     uuid             NOT NULL,
  reaction_type  varchar          NOT NULL,
  reaction_value varchar          NOT NULL,
  reacted_by     text             NOT NULL,
  created_at     timestamptz      NOT NULL DEFAULT now(),
  CONSTRAINT sms_reactions_pkey PRIMARY KEY (tenant_id, id),
  CONSTRAINT sms_reactions_message_fkey FOREIGN KEY (tenant_id, message_id)
    REFERENCES sms_messages (tenant_id, id) ON DELETE CASCADE,
  CONSTRAINT sms_reactions_reaction_type_not_blank CHECK (btrim(reaction_type) <> ''),
  CONSTRAINT sms_reactions_reaction_value_not_blank CHECK (reaction_value <> ''),
  CONSTRAINT sms_reactions_reacted_by_not_blank CHECK (btrim(reacted_by) <> '')
);
COMMENT ON TABLE sms_reactions IS 'Reactions to a message; deleted with it.';

CREATE INDEX idx_sms_reactions_message_id ON sms_reactions (tenant_id, message_id);
CREATE INDEX idx_sms_reactions_reacted_by ON sms_reactions (tenant_id, reacted_by);
-- The same person gives the same reaction to a message once.
CREATE UNIQUE INDEX uq_sms_reactions_once ON sms_reactions (tenant_id, message_id, reacted_by, reaction_type,
                                                            reaction_value);

-- Status history -----------------------------------------------------------------------------------------------
CREATE TABLE sms_message_status_events (
  tenant_id            text COLLATE "C" NOT NULL,
  id                   uuid             NOT NULL DEFAULT uuid_generate_v7(),
  message_id           uuid,
  provider             varchar,
  provider_message_sid varchar,
  status               varchar          NOT NULL,
  provider_status      varchar,
  occurred_at          timestamptz      NOT NULL,
  provider_error_code  text,
  raw_payload          text,
  recorded_at          timestamptz      NOT NULL DEFAULT now(),
  CONSTRAINT sms_message_status_events_pkey PRIMARY KEY (tenant_id, id),
  CONSTRAINT sms_message_status_events_message_fkey FOREIGN KEY (tenant_id, message_id)
    REFERENCES sms_messages (tenant_id, id) ON DELETE CASCADE,
  CONSTRAINT sms_message_status_events_status_check
    CHECK (status IN ('scheduled', 'queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed', 'canceled',
                      'received', 'read')),
  CONSTRAINT sms_message_status_events_identifies_message
    CHECK (message_id IS NOT NULL OR provider_message_sid IS NOT NULL)
);
COMMENT ON TABLE sms_message_status_events IS
  'Every status report of a message, in arrival order; rows with no message_id wait for reconciliation.';

CREATE INDEX idx_sms_status_events_message ON sms_message_status_events (tenant_id, message_id, occurred_at);
CREATE INDEX idx_sms_status_events_unmatched ON sms_message_status_events (tenant_id, provider, provider_message_sid)
  WHERE message_id IS NULL;

-- updated_at is the database's job ----------------------------------------------------------------------------
CREATE TRIGGER sms_sender_accounts_touch BEFORE UPDATE ON sms_sender_accounts
  FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE TRIGGER sms_sender_phone_numbers_touch BEFORE UPDATE ON sms_sender_phone_numbers
  FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE TRIGGER sms_service_accounts_touch BEFORE UPDATE ON sms_service_accounts
  FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE TRIGGER sms_contacts_touch BEFORE UPDATE ON sms_contacts
  FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE TRIGGER sms_meta_conversation_touch BEFORE UPDATE ON sms_meta_conversation
  FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE TRIGGER sms_messages_touch BEFORE UPDATE ON sms_messages
  FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
