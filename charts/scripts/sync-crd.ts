// Copies the generated TradingBot CRD into the Helm chart (templates/crd/, with the
// `helm.sh/resource-policy: keep` annotation), or with --check fails when the chart's copy is stale.
//   node charts/scripts/sync-crd.ts [--check] [--from <generated crd>] [--out <chart template>]
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { CHART_CRD_PATH, GENERATED_CRD_PATH, renderChartCrd } from './chart-crd.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const { values } = parseArgs({
  options: {
    check: { type: 'boolean', default: false },
    from: { type: 'string' },
    out: { type: 'string' },
  },
});
const source = resolve(repoRoot, values.from ?? GENERATED_CRD_PATH);
const target = resolve(repoRoot, values.out ?? CHART_CRD_PATH);
const shown = values.out ?? CHART_CRD_PATH;
const wanted = renderChartCrd(await readFile(source, 'utf8'));

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
    console.error(`${shown} is stale: run node charts/scripts/sync-crd.ts`);
    process.exitCode = 1;
  }
} else {
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, wanted);
  console.log(`wrote ${shown}`);
}
