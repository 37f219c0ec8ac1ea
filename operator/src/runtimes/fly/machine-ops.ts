import { randomUUID } from 'node:crypto';
import { StalledError } from '../../reconcile/errors.ts';
import { BOT_ID_KEY, botIdOf, isDestroyed, machineName } from './machine-mapping.ts';
import { flyStatusOf } from './machines-client.ts';
import type { HeldLease, MachinesClient } from './machines-client.ts';
import type { Machine, WaitState } from './machines-types.ts';

/** The logging the Fly runtime does (a pino logger fits). */
export interface FlyRuntimeLogger {
  warn(fields: object, message: string): void;
  debug?(fields: object, message: string): void;
}

/** Machine-level steps the Fly runtime composes, on one client. */
export interface MachineOps {
  /**
   * The bot's live machines in `app` (destroyed ones left out), the one to act on first: the one
   * with the bot's deterministic name, then the oldest. A missing app has none.
   */
  findAll(app: string, botId: string): Promise<Machine[]>;
  /** Every live machine in `app` that carries a bot id. */
  listManaged(app: string): Promise<Machine[]>;
  /**
   * Runs `fn` holding the machine's lease for up to `ttlSeconds`; the lease is released whatever
   * happens.
   */
  withLease<T>(
    app: string,
    machineId: string,
    ttlSeconds: number,
    fn: (lease: HeldLease) => Promise<T>,
  ): Promise<T>;
  /**
   * Waits up to `seconds` for `state`; false when it was not reached or the wait itself failed
   * (the caller checks the machine instead). A rejected token still throws.
   */
  waitFor(
    app: string,
    machineId: string,
    state: WaitState,
    seconds: number,
    options?: { instanceId?: string | undefined; justCreated?: boolean },
  ): Promise<boolean>;
}

/** Options of `createMachineOps`. */
export interface MachineOpsOptions {
  client: MachinesClient;
  logger: FlyRuntimeLogger;
}

/** A bot's machines, the one to act on first: the one with the bot's name, then the oldest. */
export function preferredFirst(botId: string, machines: Machine[]): Machine[] {
  const name = machineName(botId);
  return machines.sort(
    (a, b) =>
      Number(b.name === name) - Number(a.name === name) ||
      (a.created_at ?? '').localeCompare(b.created_at ?? '') ||
      (a.id ?? '').localeCompare(b.id ?? ''),
  );
}

export function createMachineOps({ client, logger }: MachineOpsOptions): MachineOps {
  /**
   * A lease whose grant answer was lost (the retry then meets our own lease, 409) is recognised
   * by its one-off description and taken over, instead of blocking the machine until it expires.
   */
  const acquire = async (app: string, machineId: string, ttlSeconds: number) => {
    const description = `hmmtrade operator ${randomUUID()}`;
    try {
      return await client.acquireLease(app, machineId, { ttlSeconds, description });
    } catch (error) {
      if (flyStatusOf(error) !== 409) throw error;
      const held = await client.getLease(app, machineId).catch(() => null);
      if (held?.description !== description || !held.nonce) throw error;
      return { nonce: held.nonce, expiresAt: held.expires_at };
    }
  };

  const missingApp = (error: unknown): Machine[] => {
    if (flyStatusOf(error) === 404) return [];
    throw error;
  };

  return {
    async findAll(app, botId) {
      const listed = await client
        .listMachines(app, { metadata: { [BOT_ID_KEY]: botId } })
        .catch(missingApp);
      return preferredFirst(
        botId,
        listed.filter((m) => botIdOf(m) === botId && !isDestroyed(m)),
      );
    },

    async listManaged(app) {
      const listed = await client.listMachines(app).catch(missingApp);
      return listed.filter((m) => botIdOf(m) !== undefined && !isDestroyed(m));
    },

    async withLease(app, machineId, ttlSeconds, fn) {
      const lease = await acquire(app, machineId, ttlSeconds);
      try {
        return await fn(lease);
      } finally {
        await client.releaseLease(app, machineId, lease).catch((error: unknown) => {
          // The lease expires by its TTL anyway; after a destroy it is simply gone.
          if (flyStatusOf(error) !== 404) {
            logger.warn(
              { app, machine_id: machineId, err: error },
              'fly: releasing a lease failed',
            );
          }
        });
      }
    },

    async waitFor(app, machineId, state, seconds, options = {}) {
      const deadline = Date.now() + seconds * 1000;
      for (;;) {
        const remaining = Math.ceil((deadline - Date.now()) / 1000);
        if (remaining <= 0) return false;
        try {
          const query = { ...options, state, timeoutSeconds: Math.min(60, remaining) };
          if (await client.waitMachine(app, machineId, query)) return true;
        } catch (error) {
          const status = flyStatusOf(error);
          if (error instanceof StalledError && (status === 401 || status === 403)) throw error;
          logger.debug?.({ app, machine_id: machineId, state, err: error }, 'fly: wait failed');
          return false;
        }
      }
    },
  };
}
