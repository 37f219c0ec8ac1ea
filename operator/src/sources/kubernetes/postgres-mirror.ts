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

/**
 * A BotMirror on Postgres. Writes for one object run one at a time and coalesce: a write
 * still queued when a newer one arrives is skipped, so a slow write never lands last.
 */
export function mirrorToPostgres(db: Kysely<Database>): BotMirror {
  const latest = new Map<string, Write>();
  const chains = new Map<string, Promise<void>>();
  // While a prune runs: objects upserted meanwhile, written again after it (it may race them).
  let upsertedDuringPrune: Map<string, TradingBotObject> | undefined;
  let pruning: Promise<unknown> = Promise.resolve();

  const apply = async ({ op, object }: Write) => {
    const { uid, name, namespace = 'default' } = object.metadata;
    if (op === 'remove') {
      await db
        .deleteFrom('bots')
        .where('id', '=', uid)
        .where('source', '=', 'kubernetes')
        .execute();
      return;
    }
    const status = object.status ?? {};
    const upsert = (trx: Kysely<Database>) =>
      trx
        .insertInto('bots')
        .values({
          id: uid,
          owner_id: null,
          name,
          source: 'kubernetes',
          spec: JSON.stringify(object.spec ?? {}),
          status: JSON.stringify(status),
          generation: object.metadata.generation ?? 1,
          observed_generation: status.observedGeneration ?? 0,
          deleted_at: object.metadata.deletionTimestamp ?? null,
          k8s_namespace: namespace,
          k8s_name: name,
          k8s_uid: uid,
        })
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
    // One statement, one round trip: every TradingBot change is written, so this is most of
    // the operator's database traffic.
    try {
      await upsert(db);
      return;
    } catch (error) {
      if (!takenByAnotherUid(error)) throw error;
    }
    // The same namespace/name with another uid: the object was deleted and created again.
    await db.transaction().execute(async (trx) => {
      await trx
        .deleteFrom('bots')
        .where('source', '=', 'kubernetes')
        .where('k8s_namespace', '=', namespace)
        .where('k8s_name', '=', name)
        .where('id', '<>', uid)
        .execute();
      await upsert(trx);
    });
  };

  const enqueue = (write: Write): Promise<void> => {
    const uid = write.object.metadata.uid;
    latest.set(uid, write);
    if (write.op === 'upsert') upsertedDuringPrune?.set(uid, write.object);
    else upsertedDuringPrune?.delete(uid);
    const next = (chains.get(uid) ?? Promise.resolve()).then(async () => {
      if (latest.get(uid) === write) await apply(write);
    });
    const tail = next.catch(() => undefined);
    chains.set(uid, tail);
    void tail.then(() => {
      if (chains.get(uid) !== tail) return;
      chains.delete(uid);
      latest.delete(uid);
    });
    return next;
  };

  return {
    upsert: (object) => enqueue({ op: 'upsert', object }),
    remove: (object) => enqueue({ op: 'remove', object }),
    prune(liveUids, namespace) {
      const run = async () => {
        // Rows with a write queued or in flight are not the prune's to judge.
        const keep = [...liveUids, ...latest.keys()];
        upsertedDuringPrune = new Map();
        try {
          let query = db
            .deleteFrom('bots')
            .where('source', '=', 'kubernetes')
            .where(sql<boolean>`NOT (COALESCE(k8s_uid, '') = ANY(${keep}::text[]))`);
          if (namespace !== undefined) query = query.where('k8s_namespace', '=', namespace);
          const result = await query.executeTakeFirst();
          return Number(result.numDeletedRows);
        } finally {
          const redo = [...upsertedDuringPrune.values()];
          upsertedDuringPrune = undefined;
          await Promise.all(redo.map((object) => enqueue({ op: 'upsert', object })));
        }
      };
      const result = pruning.then(run, run);
      pruning = result.catch(() => undefined);
      return result;
    },
  };
}

/** A unique violation of the (namespace, name) index: an older object's row is still there. */
function takenByAnotherUid(error: unknown): boolean {
  const { code, constraint } = (error ?? {}) as { code?: unknown; constraint?: unknown };
  return code === '23505' && constraint === 'bots_k8s_ref_key';
}
