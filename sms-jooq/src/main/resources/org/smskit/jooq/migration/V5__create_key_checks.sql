-- smskit V5: key check values, so that a node configured with other key material under a known key id fails at
-- start instead of writing credentials that the other nodes cannot read.
--   sms_key_checks  one row per encryption key id: a constant text encrypted under that key (AES-256-GCM, a random
--                   nonce, the stored form enc:v1:<keyId>:<base64> of every secret), written by the first node that
--                   verified or used the key. A node decrypts it to prove that its key under that id is the same
--                   key: SmsService.verifyKeys() on start, and before its first encryption of a credential.
--
-- The one table without tenant_id, deliberately: keys belong to the installation (one KeyProvider serves every
-- tenant, and a stored value names only its key id), so a check per tenant would let a misconfigured node encrypt
-- a new tenant's credentials under the wrong key unnoticed. On Citus it is a reference table. It holds nothing
-- secret: the plaintext is a published constant, and AES-GCM under a fresh nonce reveals nothing of the key.

CREATE TABLE sms_key_checks (
  key_id      text COLLATE "C" NOT NULL,
  check_value text             NOT NULL,
  created_at  timestamptz      NOT NULL DEFAULT now(),
  CONSTRAINT sms_key_checks_pkey PRIMARY KEY (key_id),
  CONSTRAINT sms_key_checks_key_id_format CHECK (key_id ~ '^[A-Za-z0-9_.-]{1,64}$'),
  -- The value names the key it was made with, and that key is the row's: a check copied to another id is refused.
  CONSTRAINT sms_key_checks_check_value_format CHECK (
    starts_with(check_value, 'enc:v1:' || key_id || ':')
    AND substr(check_value, length(key_id) + 9) ~ '^[A-Za-z0-9+/]+={0,2}$')
);
COMMENT ON TABLE sms_key_checks IS
  'Per encryption key id, a constant encrypted under that key: proves that every node holds the same key under the id. Global (no tenant_id): keys belong to the installation.';
COMMENT ON COLUMN sms_key_checks.check_value IS
  'enc:v1:<keyId>:<base64>, the AES-256-GCM encryption of a constant under the key; never rewritten.';
