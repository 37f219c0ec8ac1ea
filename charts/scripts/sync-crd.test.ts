import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../testing/helm-chart.ts';
import {
  CHART_CRD_PATH,
  GENERATED_CRD_PATH,
  RESOURCE_POLICY_ANNOTATION,
  renderChartCrd,
} from './chart-crd.ts';

const script = join(repoRoot, 'charts', 'scripts', 'sync-crd.ts');

/** Runs `node charts/scripts/sync-crd.ts args` on this process's Node (the repository's 24). */
function runSync(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { cwd: repoRoot });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

const generated = (): Promise<string> => readFile(join(repoRoot, GENERATED_CRD_PATH), 'utf8');

describe('the chart copy of the TradingBot CRD', () => {
  const temps: string[] = [];
  afterEach(async () => {
    for (const dir of temps.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  it('is up to date with crds/generated (run node charts/scripts/sync-crd.ts if not)', async () => {
    const chartCopy = await readFile(join(repoRoot, CHART_CRD_PATH), 'utf8');
    expect(chartCopy).toBe(renderChartCrd(await generated()));
    const result = await runSync(['--check']);
    expect(result.stdout).toContain(`${CHART_CRD_PATH} is up to date`);
    expect(result.code).toBe(0);
  });

  it('is the generated object with the keep annotation, inside crds.install', async () => {
    const rendered = renderChartCrd(await generated());
    const lines = rendered.trimEnd().split('\n');
    expect(lines[1]).toBe('{{- if .Values.crds.install }}');
    expect(lines.at(-1)).toBe('{{- end }}');
    const object = parse(lines.slice(2, -1).join('\n')) as {
      metadata: { annotations?: Record<string, string> };
    };
    expect(object.metadata.annotations).toEqual({ [RESOURCE_POLICY_ANNOTATION]: 'keep' });
    delete object.metadata.annotations;
    expect(object).toEqual(parse(await generated()));
  });

  it('--check fails on a stale copy and a sync repairs it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hmmtrade-sync-crd-'));
    temps.push(dir);
    const changed = join(dir, 'generated.yaml');
    const out = join(dir, 'chart-crd.yaml');
    await writeFile(changed, (await generated()).replace('Lifecycle phase.', 'Phase of life.'));
    await writeFile(out, renderChartCrd(await generated()));

    const stale = await runSync(['--check', '--from', changed, '--out', out]);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain(`${out} is stale: run node charts/scripts/sync-crd.ts`);

    const synced = await runSync(['--from', changed, '--out', out]);
    expect(synced.code).toBe(0);
    expect(await readFile(out, 'utf8')).toContain('description: Phase of life.');
    expect((await runSync(['--check', '--from', changed, '--out', out])).code).toBe(0);
  });

  it('refuses input Helm would read as a template, or that is not a CRD', () => {
    expect(() =>
      renderChartCrd('kind: CustomResourceDefinition\nmetadata: {name: "{{ x }}"}\n'),
    ).toThrow('Helm would parse as a template');
    expect(() => renderChartCrd('kind: ConfigMap\nmetadata: {name: x}\n')).toThrow(
      'not a CustomResourceDefinition',
    );
  });
});
