import type { Insertable, Selectable } from 'kysely';
import type { NullableTimestamp, Timestamp } from './column-types.ts';

/** A browser session. Only the SHA-256 of the cookie token is stored; revocable. */
export interface SessionsTable {
  token_hash: string;
  user_id: string;
  created_at: Timestamp;
  expires_at: Date | string;
  revoked_at: NullableTimestamp;
  ip: string | null;
  user_agent: string | null;
}

export type Session = Selectable<SessionsTable>;
export type NewSession = Insertable<SessionsTable>;
