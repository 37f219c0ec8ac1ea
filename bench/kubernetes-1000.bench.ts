// 1,000 TradingBots on a real kube-apiserver (envtest) with `hmmtrade operator --runtime
// kubernetes` as its own process: time from each TradingBot appearing to its Pod appearing
// (both seen through watches here), the operator's RSS, and the apiserver writes an operator
// restart causes once everything has converged (goal: none), read from the apiserver's own
// request metrics, with its per-route calls and latency while converging.
// The operator runs as the Helm chart runs it: the image's esbuild bundle of `hmmtrade`
// (cli/scripts/bundle.ts) with the chart's default Node flags (operator.nodeFlags).
// Run: BOTS=1000 npm run bench:k8s (needs Postgres and the envtest binaries); NODE_FLAGS sets the
// operator's Node flags (bench/config.ts), e.g. to take a CPU profile.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Watch } from '@kubernetes/client-node';
import { createTestDatabase } from '@hmmtrade/db/testing';
import { startKubeletSim, startKubeTestEnv } from '@hmmtrade/operator/testing';
import { parse } from 'yaml';
import { buildCliBundle, bundledBin } from '@hmmtrade/cli/bundle';
import { apiserverRequests } from './apiserver-metrics.ts';
import { benchArgs, childEnv, nodeFlags } from './config.ts';

const { bots: BOTS } = benchArgs({ bots: 1_000 });
const CRD = new URL('../crds/generated/tradingbots.hmmtrade.io.yaml', import.meta.url).pathname;
await buildCliBundle();
const BIN = bundledBin();
const chartValues = parse(
  readFileSync(new URL('../charts/hmmtrade/values.yaml', import.meta.url), 'utf8'),
) as { operator: { nodeFlags: string[] } };
const NODE_FLAGS = nodeFlags(chartValues.operator.nodeFlags);

const env = await startKubeTestEnv();
const testDb = await createTestDatabase('postgres');
const dataDir = mkdtempSync(join(tmpdir(), 'k8s-bench-'));
await env.envtest.kubectl(['apply', '-f', CRD]);
await env.envtest.kubectl([
  'wait',
  '--for',
  'condition=established',
  'crd/tradingbots.hmmtrade.io',
]);
const namespace = await env.namespace();
const kubelet = startKubeletSim({ kubeConfig: env.kubeConfig, namespace, intervalMs: 200 });

// The CRD's REST endpoint appears a moment after it is Established; a watch started earlier ends.
await new Promise((resolve) => setTimeout(resolve, 2_000));
const botSeen = new Map<string, number>();
const podSeen = new Map<string, number>();
const watch = new Watch(env.kubeConfig);
// TradingBots through `kubectl get -w` (a client-node watch on the custom resource saw nothing
// here), pods through client-node; each event is timestamped on arrival.
const tbWatch = spawn(
  env.envtest.binDir + '/kubectl',
  [
    '--kubeconfig',
    env.envtest.kubeconfigPath,
    'get',
    'tb',
    '-n',
    namespace,
    '-w',
    '--no-headers',
    '-o',
    'custom-columns=UID:.metadata.uid',
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
let partial = '';
tbWatch.stdout.on('data', (chunk: Buffer) => {
  const now = performance.now();
  const lines = (partial + chunk.toString()).split('\n');
  partial = lines.pop() ?? '';
  for (const uid of lines.map((l) => l.trim()).filter(Boolean))
    if (!botSeen.has(uid)) botSeen.set(uid, now);
});
const watches = [
  await watch.watch(
    `/api/v1/namespaces/${namespace}/pods`,
    {},
    (type, obj: { metadata: { labels?: Record<string, string> } }) => {
      const bot = obj.metadata.labels?.['hmmtrade.io/bot-id'];
      if (type === 'ADDED' && bot && !podSeen.has(bot)) podSeen.set(bot, performance.now());
    },
    () => undefined,
  ),
];

const startOperator = () =>
  spawn(
    process.execPath,
    [...NODE_FLAGS, BIN, 'operator', '--runtime', 'kubernetes', '--port', '0'],
    {
      env: childEnv({
        KUBECONFIG: env.envtest.kubeconfigPath,
        WATCH_NAMESPACE: namespace,
        DATABASE_URL: testDb.handle.connectionString,
        HMMTRADE_DATA_DIR: dataDir,
        LOG_LEVEL: 'error',
        OPERATOR_CONCURRENCY: '16',
      }),
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
/** The operator's /metrics URL, which it prints once started. */
const metricsUrl = (child: ReturnType<typeof startOperator>) =>
  new Promise<string>((resolve) => {
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const url = /metrics at (\S+)/.exec(text)?.[1];
      if (url) resolve(url);
    });
  });
/** The operator's V8 heap and off-heap memory (prom-client's default metrics), in MB. */
async function heapFigures(url: string) {
  const text = await (await fetch(url)).text();
  const metric = (name: string) =>
    Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1]) / 1e6;
  return `heap used ${metric('nodejs_heap_size_used_bytes').toFixed(0)} MB of ${metric('nodejs_heap_size_total_bytes').toFixed(0)} MB, external ${metric('nodejs_external_memory_bytes').toFixed(0)} MB`;
}
const rss = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;
let operator = startOperator();
await new Promise((resolve) => setTimeout(resolve, 3_000));

const manifests = Array.from(
  { length: BOTS },
  (_, i) => `apiVersion: hmmtrade.io/v1alpha1
kind: TradingBot
metadata: { name: bot-${i}, namespace: ${namespace} }
spec:
  broker: { kind: sim }
  profile: { symbols: [BTC/USD], assetClass: crypto, timeframe: 1Min }
  runtime: { backend: kubernetes }
`,
).join('---\n');
/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat. */
const cpuSeconds = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
};
const cpuOf = {
  operator: () => cpuSeconds(operator.pid!),
  apiserver: () => cpuSeconds(env.envtest.pids.apiserver),
  etcd: () => cpuSeconds(env.envtest.pids.etcd),
};
const cpuBefore = Object.fromEntries(Object.entries(cpuOf).map(([name, read]) => [name, read()]));
const applied = performance.now();
await env.envtest.kubectl(['apply', '-f', '-'], { input: manifests });
const applySeconds = (performance.now() - applied) / 1000;
let peakRss = 0;
while (podSeen.size < BOTS) {
  peakRss = Math.max(peakRss, rss(operator.pid!));
  await new Promise((resolve) => setTimeout(resolve, 250));
}
console.log(
  `seen: ${botSeen.size} TradingBots, ${podSeen.size} pods; e.g. ${[...botSeen.keys()][0]} / ${[...podSeen.keys()][0]}`,
);
const latencies = [...botSeen]
  .flatMap(([uid, seen]) => (podSeen.has(uid) ? [podSeen.get(uid)! - seen] : []))
  .sort((a, b) => a - b);
const pct = (p: number) =>
  latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]!;
// When the slowest ones happened (seconds after the apply began): a burst, or spread out.
const slowest = [...botSeen]
  .flatMap(([uid, seen]) => (podSeen.has(uid) ? [[seen, podSeen.get(uid)! - seen] as const] : []))
  .sort((a, b) => b[1] - a[1])
  .slice(0, 12)
  .map(([seen, ms]) => `${((seen - applied) / 1000).toFixed(1)} s: ${ms.toFixed(0)} ms`);
await new Promise((resolve) => setTimeout(resolve, 5_000)); // let status writes settle
peakRss = Math.max(peakRss, rss(operator.pid!));
const cpuUsed = Object.entries(cpuOf)
  .map(([name, read]) => `${name} ${(read() - cpuBefore[name]!).toFixed(1)} s`)
  .join(', ');

const apiserver = {
  url: env.envtest.server,
  token: env.envtest.token,
  caPem: env.envtest.caPem,
};
const converged = await apiserverRequests(apiserver);
operator.kill('SIGTERM');
await new Promise((resolve) => operator.once('exit', resolve));
const before = (await apiserverRequests(apiserver)).botWrites;
operator = startOperator();
const restartedMetrics = metricsUrl(operator);
await new Promise((resolve) => setTimeout(resolve, 20_000)); // relist, resync and reconcile every bot
const restartWrites = (await apiserverRequests(apiserver)).botWrites - before;
const restartRss = rss(operator.pid!);
const restartHeap = await heapFigures(await restartedMetrics);
operator.kill('SIGTERM');
await new Promise((resolve) => operator.once('exit', resolve));

console.log(`${BOTS} TradingBots applied in ${applySeconds.toFixed(1)} s (one kubectl apply)`);
console.log(
  `apply → Pod created: p50 ${pct(0.5).toFixed(0)} ms, p90 ${pct(0.9).toFixed(0)} ms, p99 ${pct(0.99).toFixed(0)} ms (goal p99 ≤ 250 ms), max ${latencies.at(-1)!.toFixed(0)} ms`,
);
console.log(
  `operator RSS: peak ${peakRss.toFixed(0)} MB while converging, ${restartRss.toFixed(0)} MB after a restart (goal ≤ 150 MB)`,
);
console.log(`slowest, by when the TradingBot appeared: ${slowest.join(', ')}`);
console.log(`operator memory after the restart: ${restartHeap}`);
console.log(`CPU from apply to converged (incl. 5 s settling): ${cpuUsed}`);
console.log(
  `apiserver writes (tradingbots, pods, secrets) caused by an operator restart at steady state: ${restartWrites}`,
);
console.log('apiserver requests while converging (calls, mean latency):');
for (const [route, { calls, meanMs }] of [...converged.byRoute].sort(
  (x, y) => y[1].calls - x[1].calls,
))
  if (calls >= BOTS / 2)
    console.log(`  ${route.padEnd(28)} ${String(calls).padStart(6)}  ${meanMs.toFixed(1)} ms`);

for (const w of watches) w.abort();
tbWatch.kill();
await kubelet.stop();
await env.stop();
await testDb.dispose();
rmSync(dataDir, { recursive: true, force: true });
