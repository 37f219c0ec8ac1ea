import { sql, type Kysely } from 'kysely';

// Frozen: never edit a migration that has shipped; add a new one instead.

const up = [
  sql`CREATE FUNCTION hmmtrade_touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN NEW.updated_at := now(); RETURN NEW; END $$`,

  sql`CREATE TABLE users (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email text NOT NULL CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 320),
    password_hash text NOT NULL,
    display_name text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
  )`,
  sql`CREATE UNIQUE INDEX users_email_key ON users (email)`,

  sql`CREATE TABLE sessions (
    token_hash text PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz,
    ip text,
    user_agent text
  )`,
  sql`CREATE INDEX sessions_user_id_idx ON sessions (user_id)`,

  sql`CREATE TABLE api_tokens (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name text NOT NULL,
    token_hash text NOT NULL UNIQUE,
    prefix text NOT NULL,
    scopes jsonb NOT NULL DEFAULT '[]',
    created_at timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    expires_at timestamptz,
    revoked_at timestamptz
  )`,
  sql`CREATE INDEX api_tokens_user_id_idx ON api_tokens (user_id)`,

  sql`CREATE TABLE broker_connections (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind text NOT NULL CHECK (kind IN ('alpaca', 'sim')),
    environment text NOT NULL CHECK (environment IN ('paper', 'live')),
    label text NOT NULL,
    ciphertext bytea,
    encrypted_data_key bytea,
    iv bytea,
    auth_tag bytea,
    kms_key_id text,
    key_version integer,
    verified_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT broker_connections_envelope_complete CHECK (
      num_nulls(ciphertext, encrypted_data_key, iv, auth_tag, kms_key_id, key_version) IN (0, 6)
    ),
    CONSTRAINT broker_connections_alpaca_has_secret CHECK (kind = 'sim' OR ciphertext IS NOT NULL)
  )`,
  sql`CREATE INDEX broker_connections_user_id_idx ON broker_connections (user_id)`,

  sql`CREATE TABLE bots (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    owner_id uuid REFERENCES users (id) ON DELETE CASCADE,
    name text NOT NULL,
    source text NOT NULL CHECK (source IN ('api', 'kubernetes')),
    spec jsonb NOT NULL,
    status jsonb NOT NULL DEFAULT '{}',
    generation integer NOT NULL DEFAULT 1,
    observed_generation integer NOT NULL DEFAULT 0,
    resource_version bigint NOT NULL DEFAULT 1,
    deleted_at timestamptz,
    k8s_namespace text,
    k8s_name text,
    k8s_uid text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT bots_api_has_owner CHECK (source = 'kubernetes' OR owner_id IS NOT NULL),
    CONSTRAINT bots_kubernetes_has_ref CHECK (
      source = 'api' OR (k8s_namespace IS NOT NULL AND k8s_name IS NOT NULL)
    )
  )`,
  sql`CREATE UNIQUE INDEX bots_owner_name_key ON bots (owner_id, name) WHERE deleted_at IS NULL`,
  sql`CREATE UNIQUE INDEX bots_k8s_ref_key ON bots (k8s_namespace, k8s_name) WHERE source = 'kubernetes'`,
  sql`CREATE INDEX bots_owner_id_idx ON bots (owner_id)`,

  // generation moves only when the spec changes; resource_version on every write.
  sql`CREATE FUNCTION hmmtrade_bots_versioning() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.spec IS DISTINCT FROM OLD.spec THEN
        NEW.generation := OLD.generation + 1;
      ELSE
        NEW.generation := OLD.generation;
      END IF;
      NEW.resource_version := OLD.resource_version + 1;
      NEW.updated_at := now();
      RETURN NEW;
    END $$`,
  sql`CREATE TRIGGER bots_versioning BEFORE UPDATE ON bots
    FOR EACH ROW EXECUTE FUNCTION hmmtrade_bots_versioning()`,

  // Wakes the operator (LISTEN hmmtrade_bot_changes) with the bot id. Status-only writes, which
  // the operator itself makes, do not notify.
  sql`CREATE FUNCTION hmmtrade_bots_notify() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('hmmtrade_bot_changes', COALESCE(NEW.id, OLD.id)::text);
      RETURN NULL;
    END $$`,
  sql`CREATE TRIGGER bots_notify_insert_delete AFTER INSERT OR DELETE ON bots
    FOR EACH ROW EXECUTE FUNCTION hmmtrade_bots_notify()`,
  sql`CREATE TRIGGER bots_notify_update AFTER UPDATE ON bots
    FOR EACH ROW WHEN (
      OLD.spec IS DISTINCT FROM NEW.spec OR OLD.deleted_at IS DISTINCT FROM NEW.deleted_at
      OR OLD.owner_id IS DISTINCT FROM NEW.owner_id
    ) EXECUTE FUNCTION hmmtrade_bots_notify()`,

  sql`CREATE TABLE bot_log_lines (
    id bigserial PRIMARY KEY,
    bot_id uuid NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
    boot_id text NOT NULL,
    seq bigint NOT NULL CHECK (seq >= 0),
    stream text NOT NULL CHECK (stream IN ('stdout', 'stderr', 'supervisor')),
    line text NOT NULL,
    logged_at timestamptz NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT bot_log_lines_idempotency_key UNIQUE (bot_id, boot_id, seq)
  )`,
  sql`CREATE INDEX bot_log_lines_tail_idx ON bot_log_lines (bot_id, id)`,

  sql`CREATE TABLE bot_events (
    id bigserial PRIMARY KEY,
    bot_id uuid NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
    boot_id text NOT NULL,
    seq bigint NOT NULL CHECK (seq >= 0),
    type text NOT NULL CHECK (type IN (
      'regime_change', 'order', 'fill', 'rejection', 'heartbeat', 'daily_summary', 'lifecycle'
    )),
    payload jsonb NOT NULL DEFAULT '{}',
    occurred_at timestamptz NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT bot_events_idempotency_key UNIQUE (bot_id, boot_id, seq)
  )`,
  sql`CREATE INDEX bot_events_tail_idx ON bot_events (bot_id, id)`,

  sql`CREATE TABLE subscriptions (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id uuid NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    plan text NOT NULL,
    status text NOT NULL CHECK (status IN (
      'trialing', 'active', 'past_due', 'canceled', 'unpaid', 'incomplete',
      'incomplete_expired', 'paused'
    )),
    stripe_customer_id text UNIQUE,
    stripe_subscription_id text UNIQUE,
    current_period_end timestamptz,
    trial_end timestamptz,
    cancel_at_period_end boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
  )`,

  sql`CREATE TABLE stripe_events (
    id text PRIMARY KEY,
    type text NOT NULL,
    payload jsonb NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    processed_at timestamptz
  )`,

  sql`CREATE TABLE audit_log (
    id bigserial PRIMARY KEY,
    occurred_at timestamptz NOT NULL DEFAULT now(),
    actor_kind text NOT NULL CHECK (actor_kind IN ('user', 'bot', 'operator', 'system')),
    actor_id text,
    action text NOT NULL,
    target_kind text,
    target_id text,
    ip text,
    user_agent text,
    details jsonb NOT NULL DEFAULT '{}'
  )`,
  sql`CREATE INDEX audit_log_actor_idx ON audit_log (actor_kind, actor_id, occurred_at)`,
];

const touched = ['users', 'broker_connections', 'subscriptions'];

export async function upInitial(db: Kysely<unknown>): Promise<void> {
  for (const statement of up) await statement.execute(db);
  for (const table of touched) {
    await sql`CREATE TRIGGER ${sql.raw(`${table}_touch_updated_at`)} BEFORE UPDATE ON ${sql.table(table)}
      FOR EACH ROW EXECUTE FUNCTION hmmtrade_touch_updated_at()`.execute(db);
  }
}

export async function downInitial(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'audit_log',
    'stripe_events',
    'subscriptions',
    'bot_events',
    'bot_log_lines',
    'bots',
    'broker_connections',
    'api_tokens',
    'sessions',
    'users',
  ]) {
    await sql`DROP TABLE IF EXISTS ${sql.table(table)} CASCADE`.execute(db);
  }
  for (const fn of [
    'hmmtrade_bots_notify',
    'hmmtrade_bots_versioning',
    'hmmtrade_touch_updated_at',
  ]) {
    await sql`DROP FUNCTION IF EXISTS ${sql.raw(fn)}()`.execute(db);
  }
}
