import { sql, type Kysely } from 'kysely';
import type { Database } from '@hmmtrade/db';
import type { TradingBotObject } from './kube-object.ts';

/**
 * Copies TradingBots into the `bots` table (`source = 'kubernetes'`) so the dashboard shows
 * them. The row id is the object's `metadata.uid`, the same bot id the operator and the bot
 * process use. The row is a read-only mirror: the object in Kubernetes stays the truth.
 */
export interface BotMirror {
  /** Inserts or updates the object's row; a recreated object (new uid) replaces the old row. */
  upsert(object: TradingBotObject): Promise<void>;
  /** Deletes the row of an object that is gone. */
  remove(object: TradingBotObject): Promise<void>;
  /**
   * After a full list: deletes the rows of objects that no longer exist (in `namespace`, or in
   * every namespace when undefined). Returns how many rows went.
   */
  prune(liveUids: ReadonlySet<string>, namespace?: string): Promise<number>;
}

type Write = { op: 'upsert' | 'remove'; object: TradingBotObject };

interface Pending {
  write: Write;
  /** Everyone waiting on this uid's writes, the ones this one superseded included. */
  waiters: { resolve(): void; reject(error: unknown): void }[];
}

/** How long a write waits for others to share its statement. */
const BATCH_DELAY_MS = 20;
/** Rows per statement (Postgres allows 65,535 parameters; a row has 12). */
const BATCH_ROWS = 100;

/**
 * A BotMirror on Postgres. Writes are batched: the changes that arrive within a few
 * milliseconds go to the database as one statement (one for upserts, one for deletes), and a
 * uid's newer write replaces its older one still waiting. Batches and prunes run one at a time
 * in arrival order, so a slow write never lands last. Every TradingBot change is mirrored, so
 * this is most of the operator's database traffic: one statement per change cost the operator
 * a third of its latency at a thousand bots (bench/README.md).
 */
export function mirrorToPostgres(db: Kysely<Database>): BotMirror {
  let pending = new Map<string, Pending>();
  let flushTimer: NodeJS.Timeout | undefined;
  // Batches and prunes, one at a time.
  let serial: Promise<unknown> = Promise.resolve();
  // Per running prune request: uids upserted since it was asked for, which it must keep.
  const upsertedSincePrune = new Set<Set<string>>();

  const upsertRows = (trx: Kysely<Database>, objects: TradingBotObject[]) =>
    trx
      .insertInto('bots')
      .values(
        objects.map((object) => {
          const { uid, name, namespace = 'default' } = object.metadata;
          const status = object.status ?? {};
          return {
            id: uid,
            owner_id: null,
            name,
            source: 'kubernetes' as const,
            spec: JSON.stringify(object.spec ?? {}),
            status: JSON.stringify(status),
            generation: object.metadata.generation ?? 1,
            observed_generation: status.observedGeneration ?? 0,
            deleted_at: object.metadata.deletionTimestamp ?? null,
            k8s_namespace: namespace,
            k8s_name: name,
            k8s_uid: uid,
          };
        }),
      )
      .onConflict((conflict) =>
        conflict.column('id').doUpdateSet({
          spec: (eb) => eb.ref('excluded.spec'),
          // Heartbeat and regime reach the row through the API; keep them unless the
          // object's status carries its own.
          status: sql`jsonb_strip_nulls(jsonb_build_object(
            'lastHeartbeatAt', bots.status->'lastHeartbeatAt', 'regime', bots.status->'regime'
          )) || excluded.status`,
          observed_generation: (eb) => eb.ref('excluded.observed_generation'),
          deleted_at: (eb) => eb.ref('excluded.deleted_at'),
        }),
      )
      .execute();

  /** An object deleted and created again under its name: the old uid's row goes first. */
  const replaceRow = (object: TradingBotObject) =>
    db.transaction().execute(async (trx) => {
      const { uid, name, namespace = 'default' } = object.metadata;
      await trx
        .deleteFrom('bots')
        .where('source', '=', 'kubernetes')
        .where('k8s_namespace', '=', namespace)
        .where('k8s_name', '=', name)
        .where('id', '<>', uid)
        .execute();
      await upsertRows(trx, [object]);
    });

  const write = async (writes: Write[]) => {
    const removed = writes.filter((w) => w.op === 'remove').map((w) => w.object.metadata.uid);
    const upserted = writes.filter((w) => w.op === 'upsert').map((w) => w.object);
    // Deletes first: a recreated object's new row may need its old one gone.
    if (removed.length > 0) {
      await db
        .deleteFrom('bots')
        .where('id', 'in', removed)
        .where('source', '=', 'kubernetes')
        .execute();
    }
    if (upserted.length === 0) return;
    try {
      await upsertRows(db, upserted);
    } catch (error) {
      if (!takenByAnotherUid(error)) throw error;
      // One of them was recreated under its name: one by one, replacing the old row.
      for (const object of upserted) await replaceRow(object);
    }
  };

  const flush = () => {
    flushTimer = undefined;
    const batch = pending;
    pending = new Map();
    const run = async () => {
      const entries = [...batch.values()];
      for (let start = 0; start < entries.length; start += BATCH_ROWS) {
        const chunk = entries.slice(start, start + BATCH_ROWS);
        try {
          await write(chunk.map((entry) => entry.write));
          for (const entry of chunk) for (const waiter of entry.waiters) waiter.resolve();
        } catch (error) {
          for (const entry of chunk) for (const waiter of entry.waiters) waiter.reject(error);
        }
      }
    };
    serial = serial.then(run, run);
  };

  const enqueue = (next: Write): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const uid = next.object.metadata.uid;
      const superseded = pending.get(uid);
      pending.set(uid, {
        write: next,
        waiters: [...(superseded?.waiters ?? []), { resolve, reject }],
      });
      if (next.op === 'upsert') for (const kept of upsertedSincePrune) kept.add(uid);
      flushTimer ??= setTimeout(flush, BATCH_DELAY_MS);
    });

  return {
    upsert: (object) => enqueue({ op: 'upsert', object }),
    remove: (object) => enqueue({ op: 'remove', object }),
    prune(liveUids, namespace) {
      // Objects upserted from now on are live though the list did not show them.
      const kept = new Set<string>();
      upsertedSincePrune.add(kept);
      const run = async () => {
        try {
          const keep = [...liveUids, ...kept, ...pending.keys()];
          let query = db
            .deleteFrom('bots')
            .where('source', '=', 'kubernetes')
            .where(sql<boolean>`NOT (COALESCE(k8s_uid, '') = ANY(${keep}::text[]))`);
          if (namespace !== undefined) query = query.where('k8s_namespace', '=', namespace);
          const result = await query.executeTakeFirst();
          return Number(result.numDeletedRows);
        } finally {
          upsertedSincePrune.delete(kept);
        }
      };
      const result = serial.then(run, run);
      serial = result.catch(() => undefined);
      return result;
    },
  };
}

/** A unique violation of the (namespace, name) index: an older object's row is still there. */
function takenByAnotherUid(error: unknown): boolean {
  const { code, constraint } = (error ?? {}) as { code?: unknown; constraint?: unknown };
  return code === '23505' && constraint === 'bots_k8s_ref_key';
}
