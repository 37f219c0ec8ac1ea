import { backoffDelay, createWaker, formatDelay, type BackoffPolicy } from './backoff.ts';
import { ControlPlaneError } from './control-plane.client.ts';
import type { SpoolLane, Spooled } from './spool-lane.ts';

/** Most items per POST (the API takes 1000; smaller batches keep each retry cheap). */
export const MAX_BATCH_ITEMS = 500;
/** Spooled bytes per POST, well under the API's 1 MB body limit. */
export const MAX_BATCH_BYTES = 512 * 1024;

/** Ships one lane to the control plane, in order; see startShipper. */
export interface Shipper {
  /** Look at the spool now (new items, or skip the current backoff wait). */
  wake(): void;
  /** True once the lane is drained; false if `giveUp` aborts first. */
  whenDrained(giveUp: AbortSignal): Promise<boolean>;
  /** Stops the loop, aborting a request in flight (its batch stays spooled). */
  stop(): Promise<void>;
}

export interface ShipperOptions<T extends Spooled> {
  /** `logs` or `events`, for messages. */
  name: string;
  lane: SpoolLane<T>;
  /** Delivers one batch; a retriable ControlPlaneError (or any other error) means "try later". */
  post(bootId: string, items: Omit<T, 'bootId'>[], signal: AbortSignal): Promise<void>;
  backoff: BackoffPolicy;
  random: () => number;
  /** The supervisor's own stdout (never the audit sink: a failing sink must not feed itself). */
  say: (message: string) => void;
}

/**
 * The loop: read a batch at the cursor, POST it, commit on success. While the control plane is
 * unreachable the batch is retried with capped, jittered backoff and everything behind it waits
 * on disk, so delivery stays in order. A batch the API rejects as malformed (4xx other than
 * 401/403/404/408/429) can never succeed: it is dropped with a message so the lane moves on.
 */
export function startShipper<T extends Spooled>(options: ShipperOptions<T>): Shipper {
  const { lane, name, say } = options;
  const waker = createWaker();
  const progress = createWaker();
  const abort = new AbortController();
  let stopped = false;
  let failures = 0;

  lane.onWritten(() => waker.wake());

  async function loop(): Promise<void> {
    while (!stopped) {
      let batch;
      try {
        batch = await lane.readBatch(MAX_BATCH_ITEMS, MAX_BATCH_BYTES);
      } catch (error) {
        say(`audit ${name}: reading the spool failed: ${(error as Error).message}`);
        await waker.sleep(options.backoff.maxMs);
        continue;
      }
      if (!batch) {
        progress.wake();
        await waker.sleep(60_000);
        continue;
      }
      try {
        const items = batch.items.map(({ bootId: _bootId, ...item }) => item);
        await options.post(batch.bootId, items, abort.signal);
        if (failures > 0) say(`audit ${name}: control plane reachable again, draining the spool`);
        failures = 0;
        await lane.commit(batch);
        progress.wake();
      } catch (error) {
        if (stopped) break;
        if (error instanceof ControlPlaneError && isPoison(error)) {
          say(
            `audit ${name}: dropped ${batch.items.length} items the API refused: ${error.reason}`,
          );
          await lane.commit(batch);
          continue;
        }
        const reason = error instanceof ControlPlaneError ? error.reason : String(error);
        const retryAfter = error instanceof ControlPlaneError ? error.retryAfterMs : undefined;
        const delay = backoffDelay(failures, options.backoff, options.random, retryAfter);
        failures += 1;
        say(
          `audit ${name}: not delivered (${reason}), kept on disk, retrying in ${formatDelay(delay)}`,
        );
        progress.wake();
        await waker.sleep(delay);
      }
    }
  }

  const running = loop().catch((error: unknown) => {
    say(`audit ${name}: shipper stopped: ${(error as Error).message}`);
  });

  return {
    wake: () => waker.wake(),
    async whenDrained(giveUp) {
      for (;;) {
        if (lane.drained()) return true;
        if (giveUp.aborted) return false;
        await progress.sleep(50);
      }
    },
    async stop() {
      stopped = true;
      abort.abort();
      waker.wake();
      await running;
    },
  };
}

function isPoison(error: ControlPlaneError): boolean {
  const { status } = error;
  if (status === undefined || error.retriable) return false;
  return status >= 400 && status < 500 && ![401, 403, 404].includes(status);
}
