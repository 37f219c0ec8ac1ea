import { ConfigError, describeError } from '@hmmtrade/platform';
import { loadSupervisorConfig } from './supervisor/config.ts';
import { runSupervisor } from './supervisor/supervisor.ts';
import { traderMain } from './trader/trader-cli.ts';

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

/** `hmmtrade trader …` and bin/hmmtrade-trader.js: the trader until SIGTERM or SIGINT. */
export async function traderEntry(argv: string[]): Promise<number> {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  try {
    return await traderMain(argv, {
      stdout: process.stdout,
      stderr: process.stderr,
      signal: controller.signal,
    });
  } finally {
    process.off('SIGTERM', stop);
    process.off('SIGINT', stop);
  }
}
