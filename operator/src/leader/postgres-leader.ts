import pg from 'pg';
import { Gauge, type Registry } from 'prom-client';
import type { Logger } from '@hmmtrade/platform';
import { OPERATOR_LEASE } from '../sources/postgres-source.ts';
import type { LeaderElector, LeadershipCallbacks } from './leader-elector.ts';

/** The advisory lock key of the operator role ('hmmt' in ASCII). */
const LOCK_KEY = 0x686d6d74;

/** Options for Postgres leader election. */
export interface PostgresLeaderOptions {
  connectionString: string;
  /** Who we are, recorded as the lease holder (hostname:pid). */
  identity: string;
  logger: Logger;
  registry?: Registry;
  /** How often a follower retries the lock, and a leader checks it still holds it. */
  retryPeriodMs?: number;
}

/**
 * Session advisory lock on a dedicated connection: held while the connection lives, released
 * by Postgres when the process dies. On acquiring it, the leader bumps `operator_leases.epoch`;
 * the epoch fences every write (postgres-source). Leadership is re-checked every retry period
 * (connection alive and epoch unchanged); on any doubt it is given up.
 */
export function createPostgresLeaderElector(options: PostgresLeaderOptions): LeaderElector {
  const retryMs = options.retryPeriodMs ?? 2_000;
  const gauge = options.registry
    ? new Gauge({
        name: 'leader_election_master_status',
        help: 'Whether this process is the leader (1) or not (0).',
        labelNames: ['name'],
        registers: [options.registry],
      })
    : undefined;
  let client: pg.Client | undefined;
  let epoch: number | null = null;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;
  let callbacks: LeadershipCallbacks | undefined;

  const setLeading = (next: number | null) => {
    const was = epoch;
    epoch = next;
    gauge?.set({ name: OPERATOR_LEASE }, next === null ? 0 : 1);
    if (was === null && next !== null) callbacks?.onStartedLeading(next);
    if (was !== null && next === null) callbacks?.onStoppedLeading();
  };

  const dropConnection = async () => {
    const old = client;
    client = undefined;
    await old?.end().catch(() => undefined);
  };

  const tick = async () => {
    if (epoch === null) {
      client ??= await connect(options.connectionString);
      const { rows } = await client.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_lock($1) AS locked',
        [LOCK_KEY],
      );
      if (!rows[0]?.locked) return;
      const lease = await client.query<{ epoch: string }>(
        `INSERT INTO operator_leases (name, epoch, holder, acquired_at) VALUES ($1, 1, $2, now())
         ON CONFLICT (name) DO UPDATE
           SET epoch = operator_leases.epoch + 1, holder = EXCLUDED.holder, acquired_at = now()
         RETURNING epoch`,
        [OPERATOR_LEASE, options.identity],
      );
      const acquired = Number(lease.rows[0]?.epoch);
      options.logger.info({ epoch: acquired, identity: options.identity }, 'became leader');
      setLeading(acquired);
      return;
    }
    const { rows } = await client!.query<{ epoch: string }>(
      'SELECT epoch FROM operator_leases WHERE name = $1',
      [OPERATOR_LEASE],
    );
    if (Number(rows[0]?.epoch) !== epoch) throw new Error(`lease epoch moved to ${rows[0]?.epoch}`);
  };

  const loop = () => {
    if (stopped) return;
    inFlight = tick()
      .catch(async (error: unknown) => {
        if (epoch !== null) options.logger.warn({ err: error }, 'lost leadership');
        setLeading(null);
        await dropConnection();
      })
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, retryMs);
      });
  };

  return {
    start(cb) {
      callbacks = cb;
      gauge?.set({ name: OPERATOR_LEASE }, 0);
      loop();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      // A check still running could take the lock after this returns and hold it for good.
      await inFlight;
      if (epoch !== null) {
        await client?.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => undefined);
      }
      setLeading(null);
      await dropConnection();
    },
    isLeader: () => epoch !== null,
    epoch: () => epoch,
  };
}

async function connect(connectionString: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 5_000 });
  client.on('error', () => {
    // Surfaced by the next query of the leadership check, which then gives leadership up.
  });
  await client.connect();
  return client;
}
