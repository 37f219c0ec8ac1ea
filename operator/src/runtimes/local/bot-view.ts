import type { ObservedInstance } from '../runtime.ts';
import { isBotProcess, scanMarkedProcesses } from './proc.ts';
import type { MarkedProcess, ProcessIdentity } from './proc.ts';
import type { LocalRecord, PendingMarker, StateStore } from './state-store.ts';

/** Everything known about one bot right now: its files and its live process, if any. */
export interface BotView {
  botId: string;
  record: LocalRecord | null;
  pending: PendingMarker | null;
  /** The bot's live process: the recorded one, or one a pending marker led a scan to. */
  live: ProcessIdentity | null;
  /** `live` was found by a scan and is not in the record yet. */
  adopted: boolean;
}

/**
 * Reads the bot's files and finds its live process: the recorded one if it is still the bot's
 * (pid, start time and markers match), else, when a pending marker says a spawn was under way,
 * one found by scanning /proc for the markers. Writes nothing.
 */
export async function readBotView(store: StateStore, botId: string): Promise<BotView> {
  const { runtimeId } = store;
  const [record, pending] = await Promise.all([store.readRecord(botId), store.readPending(botId)]);
  const recorded =
    record && record.pid !== null && record.startTime !== null
      ? { pid: record.pid, startTime: record.startTime }
      : null;
  if (recorded && (await isBotProcess(recorded, runtimeId, botId))) {
    return { botId, record, pending, live: recorded, adopted: false };
  }
  if (pending) {
    const found = (await scanMarkedProcesses(runtimeId, botId)).filter((p) => p.leader);
    const match = found.find((p) => p.instanceId === pending.instanceId) ?? found[0];
    if (match) return { botId, record, pending, live: match, adopted: true };
  }
  return { botId, record, pending, live: null, adopted: false };
}

/**
 * The record as it should be written given what is live: an adopted process recorded, a
 * recorded process that is gone cleared (counted as a crash when it should have been running,
 * exit code unknown). Null when the bot has neither record nor live process.
 */
export function settledRecord(view: BotView, now: Date): LocalRecord | null {
  const { record, pending, live } = view;
  if (view.adopted && live && pending) {
    return {
      version: 1,
      botId: view.botId,
      instanceId: pending.instanceId,
      restarts: 0,
      ...record,
      desired: pending.desired,
      desiredState: 'running',
      stopDeadline: undefined,
      pid: live.pid,
      startTime: live.startTime,
    };
  }
  if (!record) return null;
  if (record.pid === null || live) return record;
  if (record.desiredState === 'stopped') return { ...record, pid: null, startTime: null };
  return {
    ...record,
    pid: null,
    startTime: null,
    restarts: record.restarts + 1,
    lastExitCode: null,
    lastExitAt: now.toISOString(),
  };
}

/** The bot's instance as BotRuntime reports it (derived only: observing writes nothing). */
export function observedInstance(view: BotView, now: Date): ObservedInstance | null {
  const { record, pending, live } = view;
  const source = view.adopted ? pending : record;
  if (!source) return null;
  const base = {
    botId: view.botId,
    instanceId: source.instanceId,
    configHash: source.desired.configHash,
    generation: source.desired.generation,
    image: source.desired.image,
    region: source.desired.region,
    restarts: record?.restarts ?? 0,
    lastExitCode: record?.lastExitCode,
    lastExitAt: record?.lastExitAt,
  };
  if (view.adopted || !record) return { ...base, state: 'running' };
  if (record.desiredState === 'stopped') {
    if (!live) return { ...base, state: 'stopped' };
    // Alive past its stop deadline: the stop was interrupted, so it runs until stopped again.
    const overdue = record.stopDeadline !== undefined && now > new Date(record.stopDeadline);
    return { ...base, state: overdue ? 'running' : 'stopping' };
  }
  if (live) return { ...base, state: 'running' };
  if (record.pid === null) return { ...base, state: 'crashed' };
  // Died unseen (not our child, or its exit not recorded yet): a crash with unknown exit code.
  return { ...base, state: 'crashed', restarts: record.restarts + 1, lastExitCode: null };
}

/** A marked process with no bot directory behind it, listed so orphan collection sees it. */
export function leakedInstance(found: MarkedProcess): ObservedInstance {
  return {
    botId: found.botId,
    instanceId: found.instanceId ?? `pid-${found.pid}`,
    state: 'running',
    configHash: '',
    generation: 0,
    image: '',
    restarts: 0,
    lastExitCode: null,
  };
}
