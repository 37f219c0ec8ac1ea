import type { AppInventory } from './app-inventory.ts';
import { isDestroyed } from './machine-mapping.ts';
import type { FlyRuntimeLogger, MachineOps } from './machine-ops.ts';
import type { MachinesClient } from './machines-client.ts';
import type { Machine } from './machines-types.ts';

/** Options of `createBotMachines`. */
export interface BotMachinesOptions {
  client: MachinesClient;
  ops: MachineOps;
  inventory: AppInventory;
  logger: FlyRuntimeLogger;
}

/**
 * Finding a bot's machines with as few app-scoped calls as possible: Fly limits listing per app
 * (1/s), Get Machine per machine (5/s). What a call shows is remembered in the inventory.
 */
export interface BotMachines {
  /**
   * The machine to act on: read by id when the inventory knows it, none when the inventory
   * knows there is none, else (or when the known one is gone) found by a list.
   */
  current(app: string, botId: string): Promise<Machine | undefined>;
  /** Every live machine of the bot, the one to act on first, from a list of its own now. */
  listed(app: string, botId: string): Promise<Machine[]>;
  /**
   * Every live machine of the bot, from a list of its own (stop and destroy must reach each
   * one); none, without a call, when the inventory knows there is none.
   */
  all(app: string, botId: string): Promise<Machine[]>;
  /** The machine just acted on, read again; as given when the API does not know it yet. */
  reread(app: string, botId: string, machine: Machine): Promise<Machine>;
}

export function createBotMachines(options: BotMachinesOptions): BotMachines {
  const { client, ops, inventory, logger } = options;

  const listed = async (app: string, botId: string): Promise<Machine[]> => {
    const asOf = Date.now();
    const machines = await ops.findAll(app, botId);
    inventory.record(app, botId, machines, asOf);
    return machines;
  };

  const warnIfSeveral = (botId: string, ids: readonly (string | undefined)[]): void => {
    if (ids.length > 1) {
      logger.warn({ bot_id: botId, machine_ids: ids }, 'fly: bot has more than one machine');
    }
  };

  return {
    listed,

    async current(app, botId) {
      const ids = await inventory.machineIdsOf(app, botId);
      if (ids?.length === 0) return undefined;
      if (ids?.[0] !== undefined) {
        const machine = await client.getMachine(app, ids[0]);
        if (machine && !isDestroyed(machine)) {
          warnIfSeveral(botId, ids);
          return machine;
        }
      }
      // Not known, or the known machine is gone: the bot may have another.
      const found = await listed(app, botId);
      warnIfSeveral(
        botId,
        found.map((m) => m.id),
      );
      return found[0];
    },

    async all(app, botId) {
      const ids = await inventory.machineIdsOf(app, botId);
      return ids?.length === 0 ? [] : listed(app, botId);
    },

    async reread(app, botId, machine) {
      const seen = machine.id
        ? await client.getMachine(app, machine.id)
        : (await listed(app, botId))[0];
      return seen ?? machine;
    },
  };
}
