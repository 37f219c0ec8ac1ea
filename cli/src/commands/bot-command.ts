import { fileURLToPath } from 'node:url';
import type { CliConfig } from '../config.ts';

const HMMTRADE_BIN = fileURLToPath(new URL('../../bin/hmmtrade.js', import.meta.url));

/** What a bot runs on this machine (local runtime, fly-sim machines): `hmmtrade bot` on this Node. */
export function botCommand(config: CliConfig): readonly string[] {
  return config.operator.localCommand ?? [process.execPath, HMMTRADE_BIN, 'bot'];
}
