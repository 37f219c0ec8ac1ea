// The chart's `secrets` init container, run for real: it turns Secret volume files, which are
// group-readable under fsGroup, into keys hmmtrade's loaders accept.
import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLocalKmsProvider } from '@hmmtrade/api';
import { findObject, renderChart, specOf } from './testing/helm-chart.ts';
import type { DeploymentSpec } from './testing/helm-chart.ts';

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'hmmtrade-secrets-init-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** The init container's script of `component`, with its absolute paths moved under `root`. */
async function initScript(component: 'api' | 'operator', set: string[] = []): Promise<string> {
  const objects = await renderChart({ set });
  const deployment = specOf<DeploymentSpec>(
    findObject(objects, 'Deployment', `rel-hmmtrade-${component}`),
  );
  const init = deployment.template.spec.initContainers?.find((c) => c.name === 'secrets');
  expect(init?.command?.slice(0, 2)).toEqual(['node', '-e']);
  return (init?.command?.[2] ?? '')
    .replaceAll("'/var/lib/hmmtrade/secrets'", JSON.stringify(join(root, 'secrets')))
    .replaceAll("'/etc/hmmtrade/", `'${root}/etc/`);
}

function runNode(script: string): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? -1, stderr }));
  });
}

/** A Secret volume as the kubelet writes it: files behind ..data, mode 0440 under fsGroup. */
async function secretVolume(name: string, files: Record<string, Buffer | string>): Promise<string> {
  const dir = join(root, 'etc', name);
  const data = join(dir, '..2026_01_01_00_00_00.000000001');
  await mkdir(data, { recursive: true });
  for (const [file, content] of Object.entries(files)) {
    await writeFile(join(data, file), content);
    await chmod(join(data, file), 0o440);
  }
  await symlink('..2026_01_01_00_00_00.000000001', join(dir, '..data'));
  for (const file of Object.keys(files)) await symlink(join('..data', file), join(dir, file));
  return dir;
}

const jwk = JSON.stringify({ kty: 'EC', crv: 'P-256', d: 'x', x: 'y', y: 'z' });

describe('the secrets init container', () => {
  it('gives the api master keys that the local KMS provider accepts', async () => {
    const kmsVolume = await secretVolume('kms', { 'master-000001.key': randomBytes(32) });
    await secretVolume('machine-jwt', { 'machine-jwt-key.json': jwk });
    await mkdir(join(root, 'secrets'));
    // Straight from the Secret volume, the group-readable key is refused.
    await expect(createLocalKmsProvider({ masterKeyDir: kmsVolume })).rejects.toThrow(
      /accessible by group or others/,
    );

    const result = await runNode(await initScript('api'));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect((await stat(join(root, 'secrets', 'kms'))).mode & 0o777).toBe(0o700);
    for (const file of ['kms/master-000001.key', 'machine-jwt-key.json']) {
      expect((await stat(join(root, 'secrets', file))).mode & 0o777, file).toBe(0o600);
    }
    expect(await readFile(join(root, 'secrets', 'machine-jwt-key.json'), 'utf8')).toBe(jwk);
    const provider = await createLocalKmsProvider({ masterKeyDir: join(root, 'secrets', 'kms') });
    expect(provider).toBeDefined();
  });

  it('fails, naming the Secret, when it holds no master key', async () => {
    await secretVolume('kms', { 'README.txt': 'no keys here' });
    await secretVolume('machine-jwt', { 'machine-jwt-key.json': jwk });
    await mkdir(join(root, 'secrets'));
    const result = await runNode(await initScript('api'));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Secret rel-hmmtrade-kms holds no master-NNNNNN.key entry');
  });

  it('copies only the machine JWT key for the operator and for an api on AWS KMS', async () => {
    await secretVolume('machine-jwt', { 'machine-jwt-key.json': jwk });
    await mkdir(join(root, 'secrets'));
    for (const script of [
      await initScript('operator'),
      await initScript('api', ['kms.provider=aws,kms.aws.keyId=alias/k']),
    ]) {
      expect(script).not.toContain('/etc/kms');
      const result = await runNode(script);
      expect(result.code, result.stderr).toBe(0);
      expect(await readFile(join(root, 'secrets', 'machine-jwt-key.json'), 'utf8')).toBe(jwk);
    }
  });
});
