import { createUlidFactory, newAppId } from './fly-ids.ts';
import type { MachineConfig } from './machine-schemas.ts';
import type { MachineState } from './machine-states.ts';
import type { MachineRun } from './machine-executor.ts';
import { notFound } from './sim-errors.ts';

/** One Fly app. */
export interface SimApp {
  id: string;
  name: string;
  orgSlug: string;
  network: string;
  internalId: number;
  createdAt: number;
}

/** A MachineEvent as the spec shapes it; `timestamp` is epoch milliseconds. */
export interface SimEvent {
  id: string;
  type: string;
  status: string;
  source: 'user' | 'flyd';
  timestamp: number;
  request?: Record<string, unknown>;
}

/** A machine lease; `expiresAtMs` is epoch milliseconds. */
export interface SimLease {
  nonce: string;
  owner: string;
  description: string;
  expiresAtMs: number;
  version: string;
}

/**
 * The process a machine runs. `expected` is set while the sim itself stops it (its exit is then
 * no crash); `frozen` while it is SIGSTOPped by a suspend.
 */
export interface MachineProcessSlot {
  run: MachineRun;
  expected: boolean;
  frozen: boolean;
}

/** One machine and everything the sim knows about it. */
export interface SimMachine {
  readonly id: string;
  readonly app: string;
  name: string;
  readonly region: string;
  readonly privateIp: string;
  readonly createdAt: number;
  /** Monotonic time of creation (for the wait-404 window). */
  readonly bornAt: number;
  updatedAt: number;
  state: MachineState;
  /** Id of the event that recorded the current state (for wait's `from_event_id`). */
  stateEventId: string;
  config: MachineConfig;
  version: string;
  versions: Array<{ version: string; config: MachineConfig }>;
  /** Oldest first. */
  events: SimEvent[];
  lease: SimLease | null;
  cordoned: boolean;
  process: MachineProcessSlot | null;
  /** Env of the current or last process. */
  lastEnv: Record<string, string>;
  /** Bumped by every lifecycle operation; an operation stops when it is no longer the latest. */
  opSeq: number;
  /** Automatic restarts since the last user action (restart policy bookkeeping). */
  restarts: number;
}

/** What a new machine starts with; the store fills ids, times and the first version. */
export type NewMachine = Pick<
  SimMachine,
  'id' | 'app' | 'name' | 'region' | 'privateIp' | 'config'
>;

/** The sim's in-memory state: apps, machines, events, and change notification for waits. */
export interface SimStore {
  newId(): string;
  createApp(input: { name: string; orgSlug: string; network?: string }): SimApp;
  app(name: string): SimApp;
  appsOf(orgSlug: string): readonly SimApp[];
  hasApp(name: string): boolean;
  /** Removes the app and its machines from the store; returns the removed machines. */
  deleteApp(name: string): readonly SimMachine[];
  addMachine(input: NewMachine, event: Omit<SimEvent, 'id' | 'timestamp'>): SimMachine;
  /** Machines of `app` in creation order; destroyed ones only when asked. */
  machinesOf(app: string, includeDestroyed: boolean): readonly SimMachine[];
  allApps(): readonly string[];
  /** The machine, destroyed ones included; 404 for an unknown app or machine. */
  machine(app: string, id: string): SimMachine;
  /** Like `machine`, but a destroyed machine is not found (for every mutation). */
  liveMachine(app: string, id: string): SimMachine;
  /** Records an event and, when `state` is given, moves the machine there. Notifies waiters. */
  record(m: SimMachine, event: Omit<SimEvent, 'id' | 'timestamp'>, state?: MachineState): void;
  /** Notifies waiters that `m` changed without an event. */
  touch(m: SimMachine): void;
  onChange(listener: (m: SimMachine) => void): () => void;
}

/** Creates an empty store; `now` gives epoch ms, `monotonic` ms for the wait-404 window. */
export function createSimStore(now: () => number, monotonic: () => number): SimStore {
  const apps = new Map<string, SimApp>();
  const machines = new Map<string, Map<string, SimMachine>>();
  const listeners = new Set<(m: SimMachine) => void>();
  const newId = createUlidFactory(now);
  let nextInternalId = 1;

  const notify = (m: SimMachine): void => {
    for (const listener of [...listeners]) listener(m);
  };
  const machinesMap = (app: string): Map<string, SimMachine> => {
    const found = machines.get(app);
    if (!found) throw notFound('app');
    return found;
  };
  const store: SimStore = {
    newId,
    createApp({ name, orgSlug, network }) {
      const app: SimApp = {
        id: newAppId(),
        name,
        orgSlug,
        network: network ?? 'default',
        internalId: nextInternalId++,
        createdAt: now(),
      };
      apps.set(name, app);
      machines.set(name, new Map());
      return app;
    },
    app(name) {
      const app = apps.get(name);
      if (!app) throw notFound('app');
      return app;
    },
    appsOf: (orgSlug) => [...apps.values()].filter((app) => app.orgSlug === orgSlug),
    hasApp: (name) => apps.has(name),
    deleteApp(name) {
      const removed = [...machinesMap(name).values()];
      apps.delete(name);
      machines.delete(name);
      return removed;
    },
    addMachine(input, event) {
      const version = newId();
      const created = now();
      const m: SimMachine = {
        ...input,
        createdAt: created,
        bornAt: monotonic(),
        updatedAt: created,
        state: 'created',
        stateEventId: '',
        version,
        versions: [{ version, config: input.config }],
        events: [],
        lease: null,
        cordoned: false,
        process: null,
        lastEnv: {},
        opSeq: 0,
        restarts: 0,
      };
      machinesMap(input.app).set(m.id, m);
      store.record(m, event, 'created');
      return m;
    },
    machinesOf(app, includeDestroyed) {
      const all = [...machinesMap(app).values()];
      return includeDestroyed ? all : all.filter((m) => m.state !== 'destroyed');
    },
    allApps: () => [...apps.keys()],
    machine(app, id) {
      const m = machinesMap(app).get(id);
      if (!m) throw notFound('machine');
      return m;
    },
    liveMachine(app, id) {
      const m = store.machine(app, id);
      if (m.state === 'destroyed') throw notFound('machine');
      return m;
    },
    record(m, event, state) {
      const full: SimEvent = { id: newId(), timestamp: now(), ...event };
      m.events.push(full);
      if (m.events.length > 200) m.events.splice(0, m.events.length - 200);
      if (state !== undefined) {
        m.state = state;
        m.stateEventId = full.id;
      }
      m.updatedAt = full.timestamp;
      notify(m);
    },
    touch(m) {
      m.updatedAt = now();
      notify(m);
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return store;
}
