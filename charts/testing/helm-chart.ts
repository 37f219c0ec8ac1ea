import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { assertBinaries, envtestConfig } from '@hmmtrade/testkit/envtest';
import type { ToolResult } from '@hmmtrade/testkit/envtest';

/** The repository root. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The chart under test. */
export const chartDir = join(repoRoot, 'charts', 'hmmtrade');

/** The newest Kubernetes the chart is checked against (envtest's apiserver) and an older one. */
export const kubeVersions = ['1.37.2', '1.34.0'] as const;

/** A rendered Kubernetes object, loosely typed: tests look into it with expectations. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: unknown;
  [field: string]: unknown;
}

/** The parts of a container the tests look at. */
export interface Container {
  name: string;
  image: string;
  command?: string[];
  env?: { name: string; value?: string; valueFrom?: unknown }[];
  ports?: unknown[];
  securityContext?: unknown;
  resources: { requests?: Record<string, string>; limits?: Record<string, string> };
  livenessProbe?: { httpGet?: unknown };
  readinessProbe?: { httpGet?: unknown };
  volumeMounts?: unknown[];
}

/** The parts of a pod spec the tests look at. */
export interface PodSpec {
  serviceAccountName: string;
  automountServiceAccountToken?: boolean;
  securityContext?: unknown;
  containers: Container[];
  initContainers?: Container[];
  volumes?: { name: string }[];
  imagePullSecrets?: { name: string }[];
}

/** The parts of a Deployment spec the tests look at. */
export interface DeploymentSpec {
  selector: { matchLabels: Record<string, string> };
  template: { metadata: { labels: Record<string, string> }; spec: PodSpec };
}

/** The spec of `object`, typed as the caller expects it (the tests check it with expectations). */
export function specOf<T>(object: KubeObject): T {
  return object.spec as T;
}

/**
 * The helm binary built by testkit/envtest/build.sh; throws the "run build.sh" error when it is
 * missing, so a test without helm fails and says how to get it.
 */
export async function helmBin(): Promise<string> {
  await assertBinaries(envtestConfig.binDir);
  return join(envtestConfig.binDir, 'helm');
}

/** Runs `helm args`; resolves with the exit code and output even when helm fails. */
export async function runHelm(args: string[]): Promise<ToolResult> {
  const bin = await helmBin();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.once('error', reject);
    child.once('close', (code) =>
      resolvePromise({
        code: code ?? -1,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      }),
    );
  });
}

/** Parses a multi-document manifest; empty documents are dropped, a YAML error throws. */
export function parseManifest(manifest: string): KubeObject[] {
  const objects: KubeObject[] = [];
  for (const doc of parseAllDocuments(manifest)) {
    if (doc.errors.length > 0)
      throw new Error(`bad YAML in the manifest: ${doc.errors[0]?.message}`);
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    objects.push(value as KubeObject);
  }
  return objects;
}

/** Options of renderChart. */
export interface RenderOptions {
  /** `--set` pairs. */
  readonly set?: readonly string[];
  /** `--kube-version`; default the newest of kubeVersions. */
  readonly kubeVersion?: string;
  /** `--api-versions`, e.g. `monitoring.coreos.com/v1/ServiceMonitor`. */
  readonly apiVersions?: readonly string[];
  readonly release?: string;
  readonly namespace?: string;
}

/** `helm template` of the chart; the raw result, for tests of failures. */
export function templateChart(options: RenderOptions = {}): Promise<ToolResult> {
  const args = [
    'template',
    options.release ?? 'rel',
    chartDir,
    '--namespace',
    options.namespace ?? 'hmm',
    '--kube-version',
    options.kubeVersion ?? kubeVersions[0],
  ];
  for (const pair of options.set ?? []) args.push('--set', pair);
  for (const version of options.apiVersions ?? []) args.push('--api-versions', version);
  return runHelm(args);
}

/** `helm template` of the chart, parsed; throws with helm's stderr when rendering fails. */
export async function renderChart(options: RenderOptions = {}): Promise<KubeObject[]> {
  const result = await templateChart(options);
  if (result.code !== 0) throw new Error(`helm template failed: ${result.stderr}`);
  return parseManifest(result.stdout);
}

/** The one object of `kind` named `name`; throws when there is not exactly one. */
export function findObject(objects: readonly KubeObject[], kind: string, name: string): KubeObject {
  const found = objects.filter((o) => o.kind === kind && o.metadata.name === name);
  if (found.length !== 1) {
    const have = objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ');
    throw new Error(`expected one ${kind}/${name}, found ${String(found.length)} among: ${have}`);
  }
  return found[0] as KubeObject;
}
