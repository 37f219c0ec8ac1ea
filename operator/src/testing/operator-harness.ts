import { Writable } from 'node:stream';
import type { Kysely } from 'kysely';
import type { TradingBotSpecInput } from '@hmmtrade/crds';
import type { Bot, Database, DbHandle } from '@hmmtrade/db';
import { createLogger, createMetricsRegistry, type Registry } from '@hmmtrade/platform';
import { assembleOperator, type OperatorSettings } from '../assemble-operator.ts';
import type { Operator } from '../operator.ts';
import type { BotRuntime } from '../runtimes/runtime.ts';

/** A silent logger for tests (pino writes to a sink). */
export function quietLogger() {
  return createLogger({
    component: 'test',
    level: 'warn',
    destination: new Writable({ write: (_chunk, _encoding, callback) => callback() }),
  });
}

/** An operator on `database` with fast test timings. */
export function startTestOperator(
  database: DbHandle,
  runtime: BotRuntime,
  settings: Partial<OperatorSettings> = {},
): { operator: Operator; registry: Registry; ready: Promise<void> } {
  const registry = createMetricsRegistry({ defaultMetrics: false });
  const operator = assembleOperator({
    database,
    runtime,
    logger: quietLogger(),
    registry,
    settings: {
      backend: 'local',
      apiUrl: 'http://127.0.0.1:8080',
      resyncPeriodMs: 500,
      leaderRetryPeriodMs: 100,
      breaker: { failureThreshold: 3, openMs: 200 },
      ...settings,
    },
  });
  return { operator, registry, ready: operator.start() };
}

/** A minimal valid spec input on the sim broker. */
export function botSpec(overrides: Partial<TradingBotSpecInput> = {}): TradingBotSpecInput {
  return {
    broker: { kind: 'sim' },
    profile: { symbols: ['BTC/USD'], assetClass: 'crypto', timeframe: '1Min' },
    runtime: { backend: 'local' },
    ...overrides,
  };
}

/** Inserts a user and `count` bots owned by them; returns the bot ids. */
export async function seedBots(
  db: Kysely<Database>,
  count: number,
  spec: (i: number) => unknown = () => botSpec(),
): Promise<string[]> {
  const user = await db
    .insertInto('users')
    .values({
      email: `seed-${Math.random().toString(36).slice(2)}@example.com`,
      password_hash: 'x',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const ids: string[] = [];
  for (let start = 0; start < count; start += 500) {
    const rows = Array.from({ length: Math.min(500, count - start) }, (_, j) => ({
      owner_id: user.id,
      name: `bot-${start + j}`,
      source: 'api' as const,
      spec: JSON.stringify(spec(start + j)),
    }));
    const inserted = await db.insertInto('bots').values(rows).returning('id').execute();
    ids.push(...inserted.map((row) => row.id));
  }
  return ids;
}

/** The bot rows, by id. */
export async function loadBots(db: Kysely<Database>): Promise<Map<string, Bot>> {
  const rows = await db.selectFrom('bots').selectAll().execute();
  return new Map(rows.map((row) => [row.id, row]));
}
