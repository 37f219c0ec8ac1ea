import type { DesiredInstance } from '../runtime.ts';

/**
 * A complete DesiredInstance for tests: sensible defaults for `botId`, with `overrides` on top.
 * The default config hash is derived from the image and generation, so overriding either without
 * a hash still reads as drift.
 */
export function desiredInstance(
  botId: string,
  overrides: Partial<DesiredInstance> = {},
): DesiredInstance {
  const generation = overrides.generation ?? 1;
  const image = overrides.image ?? 'ghcr.io/hmmtrade/bot:test';
  return {
    botId,
    generation,
    image,
    env: { BOT_ID: botId, HMMTRADE_API_URL: 'http://127.0.0.1:1' },
    resources: { cpus: 1, memoryMB: 256 },
    stop: { signal: 'SIGTERM', timeoutSeconds: 5 },
    configHash: `cfg-${image}-${generation}`,
    ...overrides,
  };
}
