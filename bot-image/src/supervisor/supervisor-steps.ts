import { setTimeout as sleep } from 'node:timers/promises';
import type { AuditSink } from './audit-sink.ts';
import type { BootMaterial } from './boot.ts';
import type { SupervisorConfig } from './config.ts';
import type { ControlPlaneClient } from './control-plane.client.ts';
import type { BrokerToken } from './control-plane.schemas.ts';
import type { ResolvedDeps } from './supervisor-deps.ts';
import { startTokenRefresher } from './token-refresher.ts';
import type { TraderExit, TraderProcess } from './trader-process.ts';

/** Heartbeats and the token refresher; returns the function that stops both. */
export function startTimers(
  config: SupervisorConfig,
  io: ResolvedDeps,
  material: BootMaterial,
  parts: {
    client: ControlPlaneClient;
    sink: AuditSink;
    say: (message: string) => void;
    install: (token: BrokerToken) => Promise<void>;
  },
): () => void {
  const startedAt = io.now();
  const beat = () =>
    parts.sink.event('heartbeat', { uptimeSeconds: Math.round((io.now() - startedAt) / 1000) });
  beat();
  const heartbeat = setInterval(beat, config.heartbeatSeconds * 1000);
  const refresher = startTokenRefresher({
    initial: material.token,
    fetchedAt: material.tokenFetchedAt,
    fetchToken: (signal) => parts.client.fetchBrokerToken(signal),
    install: parts.install,
    now: io.now,
    random: io.random,
    backoff: io.backoff,
    say: parts.say,
  });
  return () => {
    clearInterval(heartbeat);
    refresher.stop();
  };
}

/** The trader's exit; after a stop signal, at most `graceMs` before it is SIGKILLed. */
export async function waitForTrader(
  trader: TraderProcess,
  stop: AbortSignal,
  graceMs: number,
  say: (message: string) => void,
): Promise<TraderExit> {
  const stopped = new Promise<void>((resolve) => {
    if (stop.aborted) resolve();
    else stop.addEventListener('abort', () => resolve(), { once: true });
  });
  const first = await Promise.race([trader.exited, stopped.then(() => undefined)]);
  if (first) return first;
  const grace = new AbortController();
  const expired = await Promise.race([
    trader.exited.then(() => false),
    sleep(graceMs, true, { signal: grace.signal }),
  ]);
  grace.abort();
  if (expired) {
    say(`the trader is still running ${graceMs / 1000}s after the stop signal: sending SIGKILL`);
    trader.signal('SIGKILL');
  }
  return trader.exited;
}

/** One line saying how the trader ended. */
export function describeExit(exit: TraderExit): string {
  if (exit.error) return `the trader could not start: ${exit.error.message}`;
  if (exit.signal) return `the trader was ended by ${exit.signal}`;
  return `the trader exited with code ${exit.code ?? '?'}`;
}
