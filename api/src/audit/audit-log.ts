import type { Kysely } from 'kysely';
import type { AuditActorKind, Database } from '@hmmtrade/db';
import type { Request } from 'express';
import { getAuth } from '../http/auth-context.ts';

/** One security-relevant action: who, what, when (the row's time), from where. */
export interface AuditEntryInput {
  action: string;
  targetKind?: string;
  targetId?: string;
  /** Never secrets: ids, names, outcomes. */
  details?: Record<string, unknown>;
  /** Overrides the caller found on the request (e.g. the user a login resolved to). */
  actor?: { kind: AuditActorKind; id: string | null };
}

/** Appends control-plane actions to `audit_log`. */
export interface AuditLog {
  record(req: Request, entry: AuditEntryInput): Promise<void>;
}

export function createAuditLog(db: Kysely<Database>): AuditLog {
  return {
    async record(req, entry) {
      const auth = getAuth(req);
      const actor =
        entry.actor ??
        (auth.kind === 'user'
          ? { kind: 'user' as const, id: auth.userId }
          : auth.kind === 'machine'
            ? { kind: 'bot' as const, id: auth.botId }
            : { kind: 'system' as const, id: null });
      await db
        .insertInto('audit_log')
        .values({
          actor_kind: actor.kind,
          actor_id: actor.id,
          action: entry.action,
          target_kind: entry.targetKind ?? null,
          target_id: entry.targetId ?? null,
          ip: req.ip ?? null,
          user_agent: req.get('user-agent')?.slice(0, 512) ?? null,
          details: entry.details ?? {},
        })
        .execute();
    },
  };
}
