import type { Generated, Insertable, Selectable } from 'kysely';
import type { JsonWithDefault, NullableTimestamp, Timestamp } from './column-types.ts';

/** A token for the CLI or the local agent. Only its hash is stored; `prefix` identifies it. */
export interface ApiTokensTable {
  id: Generated<string>;
  user_id: string;
  name: string;
  token_hash: string;
  prefix: string;
  scopes: JsonWithDefault<string[]>;
  created_at: Timestamp;
  last_used_at: NullableTimestamp;
  expires_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
}

export type ApiToken = Selectable<ApiTokensTable>;
export type NewApiToken = Insertable<ApiTokensTable>;
