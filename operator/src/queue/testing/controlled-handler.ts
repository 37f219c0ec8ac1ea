import type { WorkHandler, WorkResult } from '../types.ts';

/** A work handler whose runs stay in flight until the test ends them. */
export interface ControlledHandler {
  handler: WorkHandler;
  /** Keys in the order their runs started. */
  started: string[];
  /** Keys currently in flight. */
  inFlight(): string[];
  /** Ends the oldest in-flight run of `key` with `result`. */
  finish(key: string, result?: WorkResult): void;
  /** Ends the oldest in-flight run of `key` by throwing. */
  fail(key: string): void;
}

export function createControlledHandler(): ControlledHandler {
  const runs: Array<{ key: string; end: (error?: Error, result?: WorkResult) => void }> = [];
  const started: string[] = [];
  const take = (key: string) => {
    const index = runs.findIndex((run) => run.key === key);
    const run = runs[index];
    if (!run) throw new Error(`no run of '${key}' in flight`);
    runs.splice(index, 1);
    return run;
  };
  return {
    started,
    handler: (key) =>
      new Promise<WorkResult>((resolve, reject) => {
        started.push(key);
        runs.push({ key, end: (error, result) => (error ? reject(error) : resolve(result)) });
      }),
    inFlight: () => runs.map((run) => run.key),
    finish: (key, result) => take(key).end(undefined, result),
    fail: (key) => take(key).end(new Error(`${key} failed`)),
  };
}
