import { randomBytes } from 'node:crypto';
import { access, constants, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeCertificates, writeTokenFile } from './certs.ts';
import { envtestConfig } from './config.ts';
import { httpsGet } from './https-get.ts';
import { renderKubeconfig } from './kubeconfig.ts';
import { apiserverArgs, etcdArgs } from './args.ts';
import { freePort, startProcess } from './processes.ts';
import type { ManagedProcess } from './processes.ts';
import { runTool } from './run-tool.ts';
import { failedChecks, waitUntil } from './wait.ts';
import type { ToolResult } from './run-tool.ts';

/** The binaries build.sh puts in the bin dir; all must be there. */
export const envtestBinaries = ['kube-apiserver', 'etcd', 'kubectl', 'helm'] as const;

/** Measured on the 2-core machine: a cold `bash testkit/envtest/build.sh`. */
const firstBuildMinutes = 18;

/** Options of startEnvtest. */
export interface EnvtestOptions {
  /** Where the binaries are; default ENVTEST_BIN_DIR or the build.sh cache dir. */
  readonly binDir?: string;
  /** How long etcd plus the apiserver may take to become ready; default 120 s. */
  readonly startTimeoutMs?: number;
}

/** A running etcd + kube-apiserver on loopback, with an admin kubeconfig. */
export interface Envtest {
  /** File holding `kubeconfig`; removed by stop(). */
  readonly kubeconfigPath: string;
  /** Kubeconfig YAML: the server, its CA and the admin token (system:masters). */
  readonly kubeconfig: string;
  /** `https://127.0.0.1:<port>`. */
  readonly server: string;
  /** Static bearer token of `admin`, a member of system:masters. */
  readonly token: string;
  /** PEM of the CA that signed the apiserver's serving certificate. */
  readonly caPem: string;
  readonly binDir: string;
  /** Temp dir with etcd's data, certificates and kubeconfig; removed by stop(). */
  readonly dir: string;
  readonly pids: { readonly etcd: number; readonly apiserver: number };
  /** Runs kubectl against this apiserver. */
  kubectl(args: string[], opts?: { input?: string }): Promise<ToolResult>;
  /** Runs helm against this apiserver. */
  helm(args: string[], opts?: { input?: string }): Promise<ToolResult>;
  /** Stops the apiserver, then etcd, and removes the temp dir. Safe to call twice. */
  stop(): Promise<void>;
}

/** Throws the "run build.sh" error unless every binary is an executable file in `binDir`. */
export async function assertBinaries(binDir: string): Promise<void> {
  const missing: string[] = [];
  for (const name of envtestBinaries) {
    await access(join(binDir, name), constants.X_OK).catch(() => missing.push(name));
  }
  if (missing.length > 0) {
    throw new Error(
      `envtest binaries not found in ${binDir}: run bash testkit/envtest/build.sh ` +
        `(first build takes ~${String(firstBuildMinutes)} minutes; missing: ${missing.join(', ')})`,
    );
  }
}

/** Starts etcd and kube-apiserver on free loopback ports and waits until /readyz is ok. */
export async function startEnvtest(options: EnvtestOptions = {}): Promise<Envtest> {
  const binDir = options.binDir ?? envtestConfig.binDir;
  const deadline = Date.now() + (options.startTimeoutMs ?? 120_000);
  await assertBinaries(binDir);
  const dir = await mkdtemp(join(tmpdir(), 'hmmtrade-envtest-'));
  const processes: ManagedProcess[] = [];
  // If the test process dies without stop(), its children must not outlive it.
  const killOnExit = (): void => processes.forEach((p) => p.killNow());
  process.once('exit', killOnExit);
  const teardown = async (): Promise<void> => {
    for (const p of [...processes].reverse()) await p.stop();
    process.removeListener('exit', killOnExit);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const certs = await writeCertificates(await mkdirIn(dir, 'pki'));
    const token = randomBytes(24).toString('hex');
    await writeTokenFile(join(dir, 'pki', 'tokens.csv'), token);

    const [clientPort, peerPort, securePort] = await threePorts();
    const etcdUrl = `http://127.0.0.1:${String(clientPort)}`;
    const etcd = await startProcess('etcd', join(binDir, 'etcd'), [
      ...etcdArgs(dir, etcdUrl, `http://127.0.0.1:${String(peerPort)}`),
    ]);
    processes.push(etcd);
    await waitUntil(etcd, deadline, async () => {
      const res = await fetch(`${etcdUrl}/health`);
      const body = await res.text();
      if (!res.ok || !body.includes('"true"'))
        throw new Error(`/health ${String(res.status)} ${body}`);
    });

    const server = `https://127.0.0.1:${String(securePort)}`;
    const apiserver = await startProcess('kube-apiserver', join(binDir, 'kube-apiserver'), [
      ...apiserverArgs({ dir, certs, etcdUrl, server, port: securePort }),
    ]);
    processes.push(apiserver);
    await waitUntil(apiserver, deadline, async () => {
      const res = await httpsGet(`${server}/readyz`, { ca: certs.caPem, token });
      if (res.status !== 200)
        throw new Error(`/readyz ${String(res.status)}: ${failedChecks(res.body)}`);
    });

    const kubeconfig = renderKubeconfig({ server, caPem: certs.caPem, token });
    const kubeconfigPath = join(dir, 'kubeconfig');
    await writeFile(kubeconfigPath, kubeconfig, { mode: 0o600 });
    const kubeCache = join(dir, 'kube-cache');
    let stopped: Promise<void> | undefined;
    return {
      kubeconfigPath,
      kubeconfig,
      server,
      token,
      caPem: certs.caPem,
      binDir,
      dir,
      pids: { etcd: etcd.pid, apiserver: apiserver.pid },
      kubectl: (args, opts) =>
        runTool(
          join(binDir, 'kubectl'),
          ['--kubeconfig', kubeconfigPath, '--cache-dir', kubeCache, ...args],
          opts?.input,
        ),
      helm: (args, opts) =>
        runTool(join(binDir, 'helm'), ['--kubeconfig', kubeconfigPath, ...args], opts?.input),
      stop: () => (stopped ??= teardown()),
    };
  } catch (error) {
    await teardown();
    throw error;
  }
}

async function mkdirIn(parent: string, name: string): Promise<string> {
  const path = join(parent, name);
  await mkdir(path, { mode: 0o700 });
  return path;
}

async function threePorts(): Promise<[number, number, number]> {
  const ports = new Set<number>();
  while (ports.size < 3) ports.add(await freePort());
  const [a = 0, b = 0, c = 0] = ports;
  return [a, b, c];
}
