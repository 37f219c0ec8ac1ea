import { traderMain } from './trader/trader-cli.ts';

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
