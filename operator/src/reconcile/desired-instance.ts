import type { TradingBotSpec } from '@hmmtrade/crds';
import type { DesiredInstance, StopOptions } from './instance.ts';
import { stableHash } from './stable-hash.ts';

/** Operator-wide settings that shape every instance. */
export interface InstanceDefaults {
  /** Where bots reach the control plane (`HMMTRADE_API_URL`). */
  apiUrl: string;
  stop: StopOptions;
}

/**
 * The instance a bot's spec asks for. The config hash covers what a running bot must match —
 * image, resources, region, env, and the parts of the spec it boots with (mode, broker,
 * profile) — but not `suspend` or `schedule`, which change whether it runs, not what runs.
 */
export function desiredInstance(
  bot: { id: string; generation: number },
  spec: TradingBotSpec,
  defaults: InstanceDefaults,
): DesiredInstance {
  const env = { BOT_ID: bot.id, HMMTRADE_API_URL: defaults.apiUrl };
  const { image, resources, region } = spec.runtime;
  return {
    botId: bot.id,
    generation: bot.generation,
    image,
    env,
    resources: { cpus: resources.cpus, memoryMB: resources.memoryMB },
    region,
    stop: defaults.stop,
    configHash: stableHash({
      image,
      resources,
      region,
      env,
      mode: spec.mode,
      broker: spec.broker,
      profile: spec.profile,
    }),
  };
}
