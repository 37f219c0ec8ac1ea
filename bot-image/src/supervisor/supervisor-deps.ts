import { randomUUID } from 'node:crypto';
import { DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.ts';

/** Where stop signals come from: `process` in production, an EventEmitter in tests. */
export interface SignalSource {
  on(signal: 'SIGTERM' | 'SIGINT', listener: (signal: NodeJS.Signals) => void): unknown;
  off(signal: 'SIGTERM' | 'SIGINT', listener: (signal: NodeJS.Signals) => void): unknown;
}

/** What runSupervisor talks to besides its config; every member has a production default. */
export interface SupervisorDeps {
  /** One line to the supervisor's stdout (no newline); default process.stdout. */
  stdout?: (line: string) => void;
  /** One line to the supervisor's stderr; default process.stderr. */
  stderr?: (line: string) => void;
  /** Epoch ms; timestamps of audit items and token refresh timing. */
  now?: () => number;
  /** [0, 1); backoff jitter. */
  random?: () => number;
  /** The boot id; default a random UUID per start. */
  bootId?: () => string;
  signals?: SignalSource;
  /** Retry waits for the control plane (boot, shipping, token refresh); default 1 s to 30 s. */
  backoff?: BackoffPolicy;
  /** Fsync cadence of the spool; default 100 ms. */
  spoolFlushIntervalMs?: number;
}

export type ResolvedDeps = Required<SupervisorDeps>;

export function resolveDeps(deps: SupervisorDeps): ResolvedDeps {
  return {
    stdout: deps.stdout ?? ((line) => void process.stdout.write(`${line}\n`)),
    stderr: deps.stderr ?? ((line) => void process.stderr.write(`${line}\n`)),
    now: deps.now ?? Date.now,
    random: deps.random ?? Math.random,
    bootId: deps.bootId ?? randomUUID,
    signals: deps.signals ?? process,
    backoff: deps.backoff ?? DEFAULT_BACKOFF,
    spoolFlushIntervalMs: deps.spoolFlushIntervalMs ?? 100,
  };
}

/** How STOP_TIMEOUT_SECONDS is spent after SIGTERM/SIGINT. */
export interface StopBudget {
  /** From the forwarded signal to SIGKILL. */
  traderGraceMs: number;
  /** Most time spent delivering the spool before exiting. */
  flushMs: number;
}

/**
 * The trader gets the stop timeout minus a margin (5 s, or half of a short timeout), so the
 * supervisor can still SIGKILL it, flush the spool (at most 3 s) and exit before the runtime's
 * own SIGKILL at the full timeout.
 */
export function stopBudget(stopTimeoutSeconds: number): StopBudget {
  const total = stopTimeoutSeconds * 1000;
  const margin = Math.min(5_000, total / 2);
  return { traderGraceMs: total - margin, flushMs: Math.min(3_000, margin * 0.8) };
}
