// The image's two programs as bundles: bin/hmmtrade-bot.js (the supervisor, the entrypoint) and
// bin/hmmtrade-trader.js (the reference trader), each one JavaScript file holding everything it
// imports, so that the image needs neither node_modules nor the TypeScript sources.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Metafile } from 'esbuild';
import { bundleNodePrograms } from './node-bundle.ts';

const REPO_DIR = fileURLToPath(new URL('../../', import.meta.url));
const PACKAGE_DIR = join(REPO_DIR, 'bot-image');
const BINS = ['hmmtrade-bot.js', 'hmmtrade-trader.js'];

/** Where `npm run build` and the image's build stage put the bundles; git and eslint skip it. */
export const DEFAULT_BUNDLE_DIR = join(REPO_DIR, '.tsbuild', 'bot-image-bundle');

/**
 * Writes the bundles to `<outDir>/bin/` beside a package.json that makes them ES modules: the
 * directory is laid out as the image's `bot-image/`, which it becomes (bot-image/Dockerfile).
 */
export async function buildBundles(outDir: string = DEFAULT_BUNDLE_DIR): Promise<Metafile> {
  return bundleNodePrograms({
    workingDir: REPO_DIR, // the metafile's paths: `bot-image/src/bot-main.ts` …
    entryPoints: BINS.map((bin) => join(PACKAGE_DIR, 'bin', bin)),
    outDir,
    // Not compact: for bundles this small it saved no memory measurably (bench/README.md).
  });
}

/**
 * The image's ENTRYPOINT as run on this machine: this Node with the Dockerfile's flags, and
 * `bundleDir` standing for the image's `bot-image/` directory.
 */
export function bundledEntrypoint(bundleDir: string): { command: string; args: string[] } {
  const dockerfile = readFileSync(join(PACKAGE_DIR, 'Dockerfile'), 'utf8');
  const entrypoint = /^ENTRYPOINT (\[.*\])$/m.exec(dockerfile)?.[1];
  if (entrypoint === undefined) throw new Error('bot-image/Dockerfile has no ENTRYPOINT [...]');
  const [, ...args] = JSON.parse(entrypoint) as string[];
  const script = args.pop() ?? '';
  return {
    command: process.execPath,
    args: [...args, join(bundleDir, script.replace(/^bot-image\//, ''))],
  };
}
