// The control plane's `hmmtrade` (the API, the operator, migrations …) as an esbuild bundle, the
// way its image ships it (cli/Dockerfile): plain JavaScript, so no TypeScript type stripper at
// run time, and only the code each command reaches, each command in its own chunk.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleNodePrograms } from '@hmmtrade/bot-image/node-bundle';
import type { Metafile } from 'esbuild';

const REPO_DIR = fileURLToPath(new URL('../../', import.meta.url));

/** Where the benchmarks and tests put the bundle; inside the repository so node_modules resolve. */
export const DEFAULT_CLI_BUNDLE_DIR = join(REPO_DIR, '.tsbuild', 'cli-bundle');

/** Where the image puts `hmmtrade` (cli/Dockerfile links the bundle's entry point there). */
export const IMAGE_BIN = '/usr/local/bin/hmmtrade';

/** The bundle's entry point, `<outDir>/bin/hmmtrade.js`. */
export const bundledBin = (outDir: string = DEFAULT_CLI_BUNDLE_DIR) =>
  join(outDir, 'bin', 'hmmtrade.js');

/**
 * Writes `<outDir>/bin/hmmtrade.js` and its chunks. The embedded database (PGlite and its
 * WebAssembly files) stays outside, loaded from node_modules by the commands that use it.
 */
export function buildCliBundle(outDir: string = DEFAULT_CLI_BUNDLE_DIR): Promise<Metafile> {
  return bundleNodePrograms({
    workingDir: REPO_DIR,
    entryPoints: [join(REPO_DIR, 'cli', 'bin', 'hmmtrade.js')],
    outDir,
    splitting: true,
    external: ['@electric-sql/pglite', '@electric-sql/pglite-socket', 'pg-native'],
    sideEffectFree: ['@kubernetes/client-node'],
    compact: true,
  });
}

/**
 * A container command of the image, `node [flags] /usr/local/bin/hmmtrade <command> …` (as the
 * Helm chart runs it), as run on this machine: this Node, and the bundle in `outDir` for the
 * image's `hmmtrade`.
 */
export function imageCommandHere(
  containerCommand: string[],
  outDir: string = DEFAULT_CLI_BUNDLE_DIR,
): { command: string; args: string[] } {
  const [node, ...args] = containerCommand;
  if (node !== 'node' || !args.includes(IMAGE_BIN)) {
    throw new Error(`not a command of the image: ${JSON.stringify(containerCommand)}`);
  }
  return {
    command: process.execPath,
    args: args.map((arg) => (arg === IMAGE_BIN ? bundledBin(outDir) : arg)),
  };
}
