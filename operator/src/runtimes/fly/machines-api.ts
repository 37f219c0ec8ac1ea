import type {
  CreateMachineRequest,
  Lease,
  Machine,
  StopRequest,
  UpdateMachineRequest,
  WaitMachineResponse,
  WaitState,
} from './machines-types.ts';

/** A lease held on a machine; pass it to mutations. */
export interface HeldLease {
  nonce: string;
  /** Unix seconds, when known. */
  expiresAt: number | undefined;
}

/** Query of `listMachines`. */
export interface ListMachinesQuery {
  /** Exact-match metadata filters, sent as `metadata.<key>=<value>`. */
  metadata?: Readonly<Record<string, string>>;
  /** Include destroyed machines (default false). */
  includeDeleted?: boolean;
}

/** Query of `waitMachine`. */
export interface WaitQuery {
  state: WaitState;
  /** Seconds the API blocks at most (it allows up to 60). */
  timeoutSeconds: number;
  /** Wait for this version (instance id) of the machine, e.g. the one an update made. */
  instanceId?: string;
  /** The machine was just created: a 404 (the API has not caught up yet) is retried. */
  justCreated?: boolean;
}

/**
 * A typed subset of the Fly Machines API (../shared/specs/fly-machines-openapi.json). Failures
 * are reconcile errors (BackendUnavailable after retries for 408/429/5xx/network, Transient for
 * conflicts and 404, Stalled for 400/422 and a rejected token); `flyStatusOf(error)` reads the
 * status behind one.
 */
export interface MachinesClient {
  listMachines(app: string, query?: ListMachinesQuery): Promise<Machine[]>;
  /** The machine, or null when the API does not know it (404). */
  getMachine(app: string, machineId: string): Promise<Machine | null>;
  createMachine(app: string, request: CreateMachineRequest, secrets?: string[]): Promise<Machine>;
  updateMachine(
    app: string,
    machineId: string,
    request: UpdateMachineRequest,
    lease?: HeldLease,
    secrets?: string[],
  ): Promise<Machine>;
  startMachine(app: string, machineId: string, lease?: HeldLease): Promise<void>;
  stopMachine(
    app: string,
    machineId: string,
    request: StopRequest,
    lease?: HeldLease,
  ): Promise<void>;
  destroyMachine(
    app: string,
    machineId: string,
    options: { force: boolean },
    lease?: HeldLease,
  ): Promise<void>;
  /**
   * Blocks until the machine reaches `state`; null when it did not within the timeout (408).
   * With `justCreated`, a 404 (a wait right after create) is retried.
   */
  waitMachine(
    app: string,
    machineId: string,
    query: WaitQuery,
  ): Promise<WaitMachineResponse | null>;
  acquireLease(
    app: string,
    machineId: string,
    options: { ttlSeconds: number; description?: string },
  ): Promise<HeldLease>;
  releaseLease(app: string, machineId: string, lease: HeldLease): Promise<void>;
  /** The machine's current lease, or null when it has none (404). */
  getLease(app: string, machineId: string): Promise<Lease | null>;
  /** Creates the app in `orgSlug` unless it exists already. */
  ensureApp(app: string, orgSlug: string): Promise<void>;
}
