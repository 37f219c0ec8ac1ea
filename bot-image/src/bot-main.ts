import { ConfigError, describeError } from '@hmmtrade/platform';
import { loadSupervisorConfig } from './supervisor/config.ts';
import { runSupervisor } from './supervisor/supervisor.ts';

/**
 * `hmmtrade bot` and the image entrypoint (bin/hmmtrade-bot.js) both run this: the supervisor
 * on the environment, and its exit status. Bad configuration is one line and exit 2.
 */
export async function botMain(): Promise<number> {
  try {
    return await runSupervisor(loadSupervisorConfig());
  } catch (error) {
    process.stderr.write(`hmmtrade: ${describeError(error)}\n`);
    return error instanceof ConfigError ? 2 : 1;
  }
}
