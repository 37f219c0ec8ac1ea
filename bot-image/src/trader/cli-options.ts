import type { Environment } from '@hmmtrade/platform';
import { ConfigError } from '@hmmtrade/platform';
import type { Clock, Sleep } from './clock.ts';

/** A command line the trader cannot make sense of; the usage text follows the message. */
export class TraderUsageError extends ConfigError {}

/** Where `traderMain` writes, and what stops it. */
export interface TraderIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** Aborted on SIGTERM/SIGINT by the caller: the trader stops cleanly and resolves. */
  signal: AbortSignal;
  /** Default: the process environment. */
  env?: Environment;
  /** For tests; default the system clock and timers. */
  clock?: Clock;
  sleep?: Sleep;
}

/** An integer option at least `min`; undefined when absent. */
export function intOption(raw: string | undefined, name: string, min: number): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new ConfigError(`${name} must be an integer ≥ ${min} (got '${raw}')`);
  }
  return value;
}

/** A finite non-negative number option. */
export function numberOption(raw: string, name: string): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) {
    throw new ConfigError(`${name} must be a non-negative number (got '${raw}')`);
  }
  return value;
}
