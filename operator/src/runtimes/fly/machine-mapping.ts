import type { DesiredInstance, InstanceState, ObservedInstance } from '../runtime.ts';
import type {
  FlySignal,
  Machine,
  MachineConfig,
  MachineEvent,
  MachineGuest,
  MachineRestart,
} from './machines-types.ts';

/** Metadata keys the runtime writes on every machine it manages. */
export const BOT_ID_KEY = 'hmmtrade_bot_id';
export const GENERATION_KEY = 'hmmtrade_generation';
export const CONFIG_HASH_KEY = 'hmmtrade_config_hash';

/** The deterministic machine name of a bot: a retried create collides on it (409). */
export const machineName = (botId: string): string => `bot-${botId}`;

/** What every machine gets besides the desired instance. */
export interface MachineDefaults {
  guest: MachineGuest;
  restart: MachineRestart;
}

const CPU_COUNTS = [1, 2, 4, 8, 16];

/** Fly sizes are whole CPUs from a fixed set and memory in 256 MB steps: round up to them. */
function guestFor(desired: DesiredInstance, base: MachineGuest): MachineGuest {
  const cpus = CPU_COUNTS.find((n) => n >= desired.resources.cpus) ?? 16;
  const memoryMb = Math.ceil(desired.resources.memoryMB / 256) * 256;
  return { ...base, cpus, memory_mb: memoryMb };
}

const SECRET_ENV = /TOKEN|JWT|SECRET|PASSWORD|KEY|CREDENTIAL/i;

/** Env values that must never show in an error message (the machine JWT and the like). */
export const secretEnvValues = (desired: DesiredInstance): string[] =>
  Object.entries(desired.env)
    .filter(([key]) => SECRET_ENV.test(key))
    .map(([, value]) => value);

/** The machine config for a desired instance (create and update send the same). */
export function machineConfig(desired: DesiredInstance, defaults: MachineDefaults): MachineConfig {
  return {
    image: desired.image,
    env: { ...desired.env },
    guest: guestFor(desired, defaults.guest),
    restart: { ...defaults.restart },
    stop_config: {
      signal: desired.stop.signal,
      timeout: `${Math.max(1, Math.ceil(desired.stop.timeoutSeconds))}s`,
    },
    auto_destroy: false,
    metadata: {
      [BOT_ID_KEY]: desired.botId,
      [GENERATION_KEY]: String(desired.generation),
      [CONFIG_HASH_KEY]: desired.configHash,
    },
  };
}

/** The bot a machine belongs to, from its metadata. */
export const botIdOf = (machine: Machine): string | undefined =>
  machine.config?.metadata?.[BOT_ID_KEY];

/** Fly states (fly.io/docs/machines/machine-states) onto the runtime vocabulary. */
const STATES: Readonly<Record<string, InstanceState>> = {
  created: 'pending',
  starting: 'pending',
  replacing: 'pending',
  launch_failed: 'crashed',
  started: 'running',
  stopping: 'stopping',
  suspending: 'stopping',
  stopped: 'stopped',
  suspended: 'stopped',
  destroying: 'destroying',
  destroyed: 'destroying',
  failed: 'crashed',
};

/** True for a machine that is gone or going for good. */
export const isDestroyed = (machine: Machine): boolean => machine.state === 'destroyed';

/** An exit of the main process, with whether we asked for it (`requested_stop`). */
interface ExitEvent {
  code: number | null;
  requested: boolean;
  at: number | undefined;
}

function exitOf(event: MachineEvent): ExitEvent | undefined {
  if (event.type !== 'exit') return undefined;
  const exit = (event.request?.exit_event ?? {}) as Record<string, unknown>;
  const code = typeof exit.exit_code === 'number' ? exit.exit_code : null;
  return { code, requested: exit.requested_stop === true, at: event.timestamp };
}

/** The machine as an ObservedInstance of `botId`. */
export function observedInstance(botId: string, machine: Machine): ObservedInstance {
  const metadata = machine.config?.metadata ?? {};
  const generation = Number.parseInt(metadata[GENERATION_KEY] ?? '', 10);
  // Newest first, whatever order the API lists them in.
  const exits = (machine.events ?? [])
    .map(exitOf)
    .filter((e): e is ExitEvent => e !== undefined)
    .sort((a, b) => (b.at ?? 0) - (a.at ?? 0));
  const ownExits = exits.filter((e) => !e.requested);
  const lastOwn = ownExits[0];
  let state = STATES[machine.state ?? ''] ?? 'pending';
  // Stopped because it exited on its own (restart policy exhausted), not because we asked.
  if (state === 'stopped' && exits[0] && !exits[0].requested) state = 'crashed';
  const observed: ObservedInstance = {
    botId,
    instanceId: machine.id ?? '',
    state,
    configHash: metadata[CONFIG_HASH_KEY] ?? '',
    generation: Number.isNaN(generation) ? 0 : generation,
    image: machine.config?.image ?? imageRefString(machine),
    region: machine.region,
    restarts: ownExits.length,
  };
  if (lastOwn) {
    observed.lastExitCode = lastOwn.code;
    if (lastOwn.at !== undefined) observed.lastExitAt = new Date(lastOwn.at).toISOString();
  }
  return observed;
}

function imageRefString(machine: Machine): string {
  const ref = machine.image_ref;
  if (!ref?.repository) return '';
  const host = ref.registry ? `${ref.registry}/` : '';
  return `${host}${ref.repository}${ref.tag ? `:${ref.tag}` : ''}`;
}

/** The machine's configured stop, for a destroy that has no stop options of its own. */
export function configuredStop(
  machine: Machine,
  fallbackSeconds: number,
): { signal: FlySignal; timeoutSeconds: number } {
  const stop = machine.config?.stop_config;
  return {
    signal: stop?.signal ?? 'SIGTERM',
    timeoutSeconds: parseDurationSeconds(stop?.timeout) ?? fallbackSeconds,
  };
}

/** A Go duration such as `30s`, `1m30s` or `500ms`, in seconds. */
export function parseDurationSeconds(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };
  let total = 0;
  let rest = text.trim();
  if (/^\d+$/.test(rest)) return Number(rest);
  while (rest !== '') {
    const match = /^(\d+(?:\.\d+)?)(ms|h|m|s)/.exec(rest);
    if (!match?.[1] || !match[2]) return undefined;
    total += Number(match[1]) * (units[match[2]] ?? 0);
    rest = rest.slice(match[0].length);
  }
  return total;
}
