import type { Insertable, Selectable } from 'kysely';
import type { JsonWithDefault, SerialId, Timestamp } from './column-types.ts';

/** Who acted: a signed-in user, a bot (machine JWT), the operator, or the system. */
export type AuditActorKind = 'user' | 'bot' | 'operator' | 'system';

/** A security-relevant control-plane action: who, what, when, from where. Append-only. */
export interface AuditLogTable {
  id: SerialId;
  occurred_at: Timestamp;
  actor_kind: AuditActorKind;
  actor_id: string | null;
  action: string;
  target_kind: string | null;
  target_id: string | null;
  ip: string | null;
  user_agent: string | null;
  details: JsonWithDefault<Record<string, unknown>>;
}

export type AuditEntry = Selectable<AuditLogTable>;
export type NewAuditEntry = Insertable<AuditLogTable>;
