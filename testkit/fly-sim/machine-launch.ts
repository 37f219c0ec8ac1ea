import { constants } from 'node:os';
import { parseGoDuration } from './fly-ids.ts';
import type { RunExit } from './machine-executor.ts';
import type { MachineConfig } from './machine-schemas.ts';
import type { SimMachine } from './sim-store.ts';

/** PATH for machine processes when the sim's `baseEnv` gives none. */
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The command a machine runs, or why it cannot run. */
export type ResolvedCommand = { ok: true; argv: readonly string[] } | { ok: false; reason: string };

/**
 * The image's argv is its entrypoint (no default CMD): `init.exec` replaces everything,
 * `init.entrypoint` replaces the image's, `init.cmd` is appended.
 */
export function resolveCommand(
  config: MachineConfig,
  images: Readonly<Record<string, readonly string[]>>,
): ResolvedCommand {
  const init = config.init ?? {};
  if (init.exec && init.exec.length > 0) return { ok: true, argv: init.exec };
  const imageArgv = Object.hasOwn(images, config.image) ? images[config.image] : undefined;
  if (imageArgv === undefined) {
    const known = Object.keys(images);
    return {
      ok: false,
      reason: `failed to pull image "${config.image}": not found (fly-sim knows ${known.length > 0 ? known.join(', ') : 'no images'})`,
    };
  }
  const entrypoint = init.entrypoint ?? imageArgv;
  const argv = [...entrypoint, ...(init.cmd ?? [])];
  if (argv.length === 0) return { ok: false, reason: `image "${config.image}" has no command` };
  return { ok: true, argv };
}

/**
 * A machine process's env: the sim's base env, then `config.env`, then the variables Fly itself
 * sets (they win, as on Fly). The executor adds HOME (the scratch root) when none is given.
 */
export function buildMachineEnv(
  m: SimMachine,
  baseEnv: Readonly<Record<string, string>>,
): Record<string, string> {
  const { config } = m;
  return {
    PATH: DEFAULT_PATH,
    ...baseEnv,
    ...config.env,
    FLY_APP_NAME: m.app,
    FLY_MACHINE_ID: m.id,
    FLY_ALLOC_ID: m.id,
    FLY_REGION: m.region,
    FLY_IMAGE_REF: config.image,
    FLY_MACHINE_VERSION: m.version,
    FLY_PRIVATE_IP: m.privateIp,
    FLY_PROCESS_GROUP: 'app',
    FLY_VM_MEMORY_MB: String(config.guest?.memory_mb ?? 256),
  };
}

/** Signal and grace period for stopping a machine's process. */
export interface StopOptions {
  signal: NodeJS.Signals;
  timeoutMs: number;
}

/** Fly's defaults when a machine has no stop_config: SIGINT, then SIGKILL after 5 s. */
export const DEFAULT_STOP: StopOptions = { signal: 'SIGINT', timeoutMs: 5000 };

/** The machine's stop_config with Fly's defaults filled in; `override` (a request) wins. */
export function stopOptionsOf(
  config: MachineConfig,
  override: { signal?: NodeJS.Signals | undefined; timeoutMs?: number | null | undefined } = {},
): StopOptions {
  const configured = config.stop_config;
  const configuredMs =
    configured?.timeout === undefined ? null : parseGoDuration(configured.timeout);
  return {
    signal: override.signal ?? configured?.signal ?? DEFAULT_STOP.signal,
    timeoutMs: override.timeoutMs ?? configuredMs ?? DEFAULT_STOP.timeoutMs,
  };
}

/** The `request` of an `exit` event, shaped like Fly's exit_event. */
export function exitEventRequest(
  exit: RunExit,
  flags: { requestedStop: boolean; restarting: boolean },
): Record<string, unknown> {
  return {
    exit_event: {
      exit_code: exit.exitCode,
      signal: exit.signal === null ? -1 : (constants.signals[exit.signal] ?? -1),
      oom_killed: false,
      requested_stop: flags.requestedStop,
      restarting: flags.restarting,
      exited_at: new Date(exit.at).toISOString(),
    },
  };
}
