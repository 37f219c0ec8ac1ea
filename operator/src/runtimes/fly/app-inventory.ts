import { botIdOf } from './machine-mapping.ts';
import { preferredFirst } from './machine-ops.ts';
import type { Machine } from './machines-types.ts';

/** Options of `createAppInventory`. */
export interface AppInventoryOptions {
  /** Every live machine of the app that carries a bot id (one list call). */
  listManaged(app: string): Promise<Machine[]>;
  /** How long a list or call that showed a bot without a machine is trusted. */
  absenceTrustMs: number;
  /** Epoch milliseconds (default Date.now). */
  now?: () => number;
}

/**
 * Which machines each bot has in an app, without a call per bot: the last list of the whole app,
 * overlaid with what this runtime learned or did since. Fly limits list and create per app
 * (1/s), so a list per bot caps a fleet at one bot a second; Get Machine is limited per machine,
 * so a known machine is read by its id instead.
 */
export interface AppInventory {
  /**
   * The ids of the bot's live machines, the one to act on first; [] when it has none; undefined
   * when that is unknown (ask the API about this bot). An absence is trusted for
   * `absenceTrustMs` after the list or call that showed it; past that the whole app is listed
   * again, one list shared by everyone asking meanwhile.
   */
  machineIdsOf(app: string, botId: string): Promise<readonly string[] | undefined>;
  /** Lists the whole app now and remembers what it shows. */
  refresh(app: string): Promise<Machine[]>;
  /** The bot had exactly `machines` at `asOf` (when the call that showed them was sent). */
  record(app: string, botId: string, machines: readonly Machine[], asOf: number): void;
  /** A call on the bot ended without an answer (it may have taken effect): ask next time. */
  forget(app: string, botId: string): void;
}

interface Known {
  /** undefined: not known. */
  ids: readonly string[] | undefined;
  asOf: number;
}

interface AppState {
  /** When the last list applied was sent; a bot it did not show had no machine then. */
  listedAt: number | undefined;
  bots: Map<string, Known>;
  listing: Promise<unknown> | undefined;
}

const STALE = Symbol('stale');

const idsOf = (machines: readonly Machine[]): string[] =>
  machines.flatMap((m) => (m.id ? [m.id] : []));

export function createAppInventory(options: AppInventoryOptions): AppInventory {
  const now = options.now ?? Date.now;
  const apps = new Map<string, AppState>();
  const stateOf = (app: string): AppState => {
    let state = apps.get(app);
    if (!state) {
      state = { listedAt: undefined, bots: new Map(), listing: undefined };
      apps.set(app, state);
    }
    return state;
  };
  const fresh = (asOf: number | undefined): boolean =>
    asOf !== undefined && now() - asOf < options.absenceTrustMs;

  const lookup = (state: AppState, botId: string): readonly string[] | undefined | typeof STALE => {
    const known = state.bots.get(botId);
    if (!known) return fresh(state.listedAt) ? [] : STALE;
    if (known.ids === undefined || known.ids.length > 0) return known.ids;
    return fresh(known.asOf) ? [] : STALE;
  };

  const apply = (app: string, machines: readonly Machine[], sentAt: number): void => {
    const state = stateOf(app);
    if (state.listedAt !== undefined && sentAt < state.listedAt) return; // overtaken
    const byBot = new Map<string, Machine[]>();
    for (const machine of machines) {
      const botId = botIdOf(machine);
      if (botId !== undefined) byBot.set(botId, [...(byBot.get(botId) ?? []), machine]);
    }
    const bots = new Map<string, Known>();
    for (const [botId, own] of byBot) {
      bots.set(botId, { ids: idsOf(preferredFirst(botId, own)), asOf: sentAt });
    }
    // What was learned after the list went out is newer than what it shows.
    for (const [botId, known] of state.bots) if (known.asOf >= sentAt) bots.set(botId, known);
    state.bots = bots;
    state.listedAt = sentAt;
  };

  const refresh = async (app: string): Promise<Machine[]> => {
    const sentAt = now();
    const machines = await options.listManaged(app);
    apply(app, machines, sentAt);
    return machines;
  };

  return {
    async machineIdsOf(app, botId) {
      const state = stateOf(app);
      const known = lookup(state, botId);
      if (known !== STALE) return known;
      state.listing ??= refresh(app).finally(() => {
        state.listing = undefined;
      });
      await state.listing;
      const listed = lookup(state, botId);
      return listed === STALE ? undefined : listed;
    },

    refresh,

    record(app, botId, machines, asOf) {
      const state = stateOf(app);
      const known = state.bots.get(botId);
      if ((known && known.asOf > asOf) || (state.listedAt ?? -Infinity) > asOf) return;
      state.bots.set(botId, { ids: idsOf(machines), asOf });
    },

    forget(app, botId) {
      stateOf(app).bots.set(botId, { ids: undefined, asOf: now() });
    },
  };
}
