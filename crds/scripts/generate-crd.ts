// Writes the TradingBot CRD derived from crds/src, or with --check fails when the file is stale.
//   node crds/scripts/generate-crd.ts [--check] [--out <path>]
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { CRD_YAML_PATH, renderCrdYaml } from '../src/crd-yaml.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const { values } = parseArgs({
  options: { check: { type: 'boolean', default: false }, out: { type: 'string' } },
});
const target = values.out === undefined ? resolve(repoRoot, CRD_YAML_PATH) : resolve(values.out);
const shown = values.out ?? CRD_YAML_PATH;
const wanted = renderCrdYaml();

async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

if (values.check) {
  if ((await readIfPresent(target)) === wanted) {
    console.log(`${shown} is up to date`);
  } else {
    console.error(`${shown} is stale: run npm run generate`);
    process.exitCode = 1;
  }
} else {
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, wanted);
  console.log(`wrote ${shown}`);
}
