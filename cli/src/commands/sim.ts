import { DEFAULT_IMAGE } from '@hmmtrade/crds';
import { startFlySim } from '@hmmtrade/testkit/fly-sim';
import type { CliConfig } from '../config.ts';
import { botCommand } from './bot-command.ts';

/**
 * `hmmtrade sim fly`: the Fly Machines API simulator alone. Machines of the default bot image
 * run `hmmtrade bot` as local processes; point a FlyRuntime at the printed URL and token.
 */
export async function startFlySimProcess(config: CliConfig, print: (line: string) => void) {
  const sim = await startFlySim({
    host: config.host,
    port: config.port,
    images: {
      [DEFAULT_IMAGE]: botCommand(config),
    },
    baseEnv: config.operator.baseEnv,
  });
  print(`fly-sim is up at ${sim.url} (Machines API under /v1)`);
  print(`token: ${sim.token}`);
  print(`faults: POST ${sim.url}/admin/faults {"errorRatio":0.2}`);
  return { stop: () => sim.stop() };
}
