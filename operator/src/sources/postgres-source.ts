import { sql, type Kysely } from 'kysely';
import { validateTradingBotSpec, type TradingBotStatus } from '@hmmtrade/crds';
import type { Bot, Database } from '@hmmtrade/db';
import { LostLeadershipError } from '../leader/lost-leadership-error.ts';
import type { BotChangeFeed } from './change-feed.ts';
import type { BotObject, BotSource } from './bot-source.ts';

/** The lease row whose epoch fences the operator's writes. */
export const OPERATOR_LEASE = 'operator';

const RELIST_PAGE = 500;

/**
 * Bots from Postgres: an in-memory cache loaded by a full list, kept current by the change feed
 * (each notification re-reads one row) and refreshed by `resync`. A row's spec is validated
 * once per version, not on every reconcile.
 */
export function createPostgresSource(deps: {
  db: Kysely<Database>;
  feed: BotChangeFeed;
}): BotSource {
  const cache = new Map<string, BotObject>();
  let notify: (botId: string) => void = () => undefined;
  let unsubscribe: (() => Promise<void>) | undefined;

  const load = (row: Bot): BotObject => {
    const cached = cache.get(row.id);
    const spec =
      cached && cached.generation === row.generation
        ? cached.spec
        : validateTradingBotSpec(row.spec);
    return {
      id: row.id,
      name: row.name,
      generation: row.generation,
      resourceVersion: row.resource_version,
      spec: spec.ok ? { ok: true, spec: spec.spec } : { ok: false, issues: spec.issues },
      status: row.status,
      deletedAt: row.deleted_at,
    };
  };

  const refreshOne = async (botId: string) => {
    const row = await deps.db
      .selectFrom('bots')
      .selectAll()
      .where('id', '=', botId)
      .where('source', '=', 'api')
      .executeTakeFirst();
    if (row) cache.set(botId, load(row));
    else cache.delete(botId);
    notify(botId);
  };

  // Relist reads only ids and versions; rows are fetched (in pages) only when new or changed,
  // so a no-op resync parses no JSON.
  const relist = async () => {
    const versions = await deps.db
      .selectFrom('bots')
      .select(['id', 'resource_version'])
      .where('source', '=', 'api')
      .execute();
    const seen = new Set<string>();
    const stale: string[] = [];
    for (const { id, resource_version } of versions) {
      seen.add(id);
      if (cache.get(id)?.resourceVersion !== resource_version) stale.push(id);
    }
    for (let start = 0; start < stale.length; start += RELIST_PAGE) {
      const page = stale.slice(start, start + RELIST_PAGE);
      const rows = await deps.db.selectFrom('bots').selectAll().where('id', 'in', page).execute();
      for (const row of rows) cache.set(row.id, load(row));
    }
    const gone = [...cache.keys()].filter((id) => !seen.has(id));
    for (const id of gone) cache.delete(id);
    for (const id of [...seen, ...gone]) notify(id);
  };

  const fencedUpdate = async (bot: BotObject, epoch: number, write: () => Promise<number>) => {
    const changed = await write();
    if (changed > 0) return;
    const lease = await deps.db
      .selectFrom('operator_leases')
      .select('epoch')
      .where('name', '=', OPERATOR_LEASE)
      .executeTakeFirst();
    if (lease?.epoch !== epoch) {
      throw new LostLeadershipError(`epoch ${epoch} is stale (now ${lease?.epoch ?? 'none'})`);
    }
    cache.delete(bot.id); // the row is gone; the next reconcile sees no bot
  };

  return {
    async start(onChange) {
      notify = onChange;
      unsubscribe = await deps.feed.subscribe((botId) => {
        refreshOne(botId).catch(() => notify(botId));
      });
      await relist();
    },
    async stop() {
      await unsubscribe?.();
      notify = () => undefined;
    },
    get: (botId) => cache.get(botId),
    ids: () => [...cache.keys()],
    resync: relist,
    async writeStatus(bot, status: TradingBotStatus, epoch) {
      await fencedUpdate(bot, epoch, async () => {
        const result = await deps.db
          .updateTable('bots')
          .set({
            // Merge: the bot-reported fields (heartbeat, regime) written by the API stay.
            status: sql`status || ${JSON.stringify(status)}::jsonb`,
            observed_generation: status.observedGeneration ?? bot.generation,
          })
          .where('id', '=', bot.id)
          .where(isCurrentEpoch(epoch))
          .returning(['resource_version'])
          .executeTakeFirst();
        const cached = cache.get(bot.id);
        if (result && cached)
          cache.set(bot.id, {
            ...cached,
            status: { ...cached.status, ...status },
            resourceVersion: result.resource_version,
          });
        return result ? 1 : 0;
      });
    },
    async finalize(bot, epoch) {
      await fencedUpdate(bot, epoch, async () => {
        const result = await deps.db
          .deleteFrom('bots')
          .where('id', '=', bot.id)
          .where('deleted_at', 'is not', null)
          .where(isCurrentEpoch(epoch))
          .executeTakeFirst();
        cache.delete(bot.id);
        return Number(result.numDeletedRows);
      });
    },
  };
}

function isCurrentEpoch(epoch: number) {
  return sql<boolean>`EXISTS (SELECT 1 FROM operator_leases WHERE name = ${OPERATOR_LEASE} AND epoch = ${epoch})`;
}
