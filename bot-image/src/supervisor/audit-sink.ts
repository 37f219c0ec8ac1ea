import { join } from 'node:path';
import { startShipper, type Shipper } from './audit-shipper.ts';
import type { BackoffPolicy } from './backoff.ts';
import type { ControlPlaneClient } from './control-plane.client.ts';
import {
  spooledEventSchema,
  spooledLogLineSchema,
  type BotEvent,
  type LogLine,
  type LogStream,
} from './control-plane.schemas.ts';
import { openSpoolLane, type SpoolLane } from './spool-lane.ts';
import { MAX_LINE_CHARS, type TraderEventType } from './trader-events.ts';

/**
 * The bot's audit trail: log lines and events, each numbered within this boot, spooled to disk
 * and shipped to the control plane in order. Log lines and events are two lanes with their own
 * `seq` counters (both from 0), so a gap in either is detectable on the server.
 */
export interface AuditSink {
  readonly bootId: string;
  log(stream: LogStream, line: string): void;
  event(type: TraderEventType, payload?: Record<string, unknown>): void;
  /** Writes everything to disk and waits up to `timeoutMs` for the API to have it all. */
  flush(timeoutMs: number): Promise<boolean>;
  /** Stops shipping; what is not delivered stays spooled for the next boot. */
  close(): Promise<void>;
}

export interface AuditSinkOptions {
  spoolDir: string;
  bootId: string;
  client: ControlPlaneClient;
  now: () => number;
  random: () => number;
  backoff: BackoffPolicy;
  /** The supervisor's own stdout, for the sink's troubles. */
  say: (message: string) => void;
  /** Fsync cadence of the spool; default 100 ms. */
  flushIntervalMs?: number;
}

type SpooledLine = LogLine & { bootId: string };
type SpooledEvent = BotEvent & { bootId: string };

/**
 * Opens `<spool>/logs` and `<spool>/events` and starts shipping, oldest spooled item first:
 * leftovers of earlier boots (with their own boot ids and seqs) go before this boot's items.
 */
export async function openAuditSink(options: AuditSinkOptions): Promise<AuditSink> {
  const { bootId, client, now, say } = options;
  const common = {
    onError: say,
    ...(options.flushIntervalMs === undefined ? {} : { flushIntervalMs: options.flushIntervalMs }),
  };
  const logLane: SpoolLane<SpooledLine> = await openSpoolLane({
    dir: join(options.spoolDir, 'logs'),
    schema: spooledLogLineSchema,
    ...common,
  });
  const eventLane: SpoolLane<SpooledEvent> = await openSpoolLane({
    dir: join(options.spoolDir, 'events'),
    schema: spooledEventSchema,
    ...common,
  });
  const shipping = { backoff: options.backoff, random: options.random, say };
  const shippers: Shipper[] = [
    startShipper({
      name: 'logs',
      lane: logLane,
      post: (boot, lines, signal) => client.postLogs(boot, lines, signal),
      ...shipping,
    }),
    startShipper({
      name: 'events',
      lane: eventLane,
      post: (boot, events, signal) => client.postEvents(boot, events, signal),
      ...shipping,
    }),
  ];
  let logSeq = 0;
  let eventSeq = 0;
  let reportedDrops = 0;
  let closed = false;
  const timestamp = () => new Date(now()).toISOString();

  const reportDrops = () => {
    const dropped = logLane.dropped() + eventLane.dropped();
    if (dropped > reportedDrops) {
      say(`audit: the spool cannot keep up (disk failing?): ${dropped} items dropped so far`);
      reportedDrops = dropped;
    }
  };

  return {
    bootId,
    log(stream, line) {
      if (closed) return; // e.g. a late signal message; the trail of this boot is complete
      const text = line.length > MAX_LINE_CHARS ? line.slice(0, MAX_LINE_CHARS) : line;
      logLane.append({ bootId, seq: logSeq++, ts: timestamp(), stream, line: text });
      reportDrops();
    },
    event(type, payload = {}) {
      if (closed) return;
      eventLane.append({ bootId, seq: eventSeq++, ts: timestamp(), type, payload });
      reportDrops();
    },
    async flush(timeoutMs) {
      const giveUp = AbortSignal.timeout(timeoutMs);
      await Promise.all([logLane.flushToDisk(), eventLane.flushToDisk()]);
      for (const shipper of shippers) shipper.wake();
      const done = await Promise.all(shippers.map((shipper) => shipper.whenDrained(giveUp)));
      return done.every(Boolean);
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all(shippers.map((shipper) => shipper.stop()));
      await Promise.all([logLane.close(), eventLane.close()]);
    },
  };
}
