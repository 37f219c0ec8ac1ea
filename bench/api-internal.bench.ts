// GET /api/v1/internal/bots/:id against a bare Express + pg select-by-id baseline, same run,
// same database, 50 connections (wrk, 2 threads, 10 s each); then log ingest lines/s.
// Run: npm run bench:api (needs Postgres and wrk: apt-get install wrk).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createTestDatabase } from '@hmmtrade/db/testing';
import { botSpec, seedBots } from '@hmmtrade/operator/testing';
import { childEnv } from './config.ts';

const testDb = await createTestDatabase('postgres');
const [botId] = await seedBots(testDb.handle.db, 100, () => botSpec());
const env = childEnv({ BENCH_DATABASE_URL: testDb.handle.connectionString, BENCH_BOT_ID: botId! });

const api = await startServer('servers/api-server.ts', env);
const baseline = await startServer('servers/baseline-server.ts', env);
const [apiUrl, jwt] = api.words;
const [baselineUrl] = baseline.words;

const ours = wrk(`${apiUrl}/api/v1/internal/bots/${botId}`, { Authorization: `Bearer ${jwt}` });
const base = wrk(`${baselineUrl}/bots/${botId}`, {});
console.log(`internal profile: ${ours.rps.toFixed(0)} req/s, p99 ${ours.p99}`);
console.log(`baseline (Express + pg): ${base.rps.toFixed(0)} req/s, p99 ${base.p99}`);
console.log(`ratio: ${(ours.rps / base.rps).toFixed(2)}× of the baseline`);

// Log ingest: batches of 1,000 lines, 8 in flight, for 10 s.
let seq = 0;
let accepted = 0;
const deadline = Date.now() + 10_000;
const started = performance.now();
await Promise.all(
  Array.from({ length: 8 }, async () => {
    while (Date.now() < deadline) {
      const lines = Array.from({ length: 1000 }, () => ({
        seq: seq++,
        ts: new Date().toISOString(),
        stream: 'stdout',
        line: `tick ${seq} regime calm 0.93 position 0.12`,
      }));
      const res = await fetch(`${apiUrl}/api/v1/internal/bots/${botId}/logs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${jwt}` },
        body: JSON.stringify({ bootId: 'bench', lines }),
      });
      accepted += ((await res.json()) as { accepted: number }).accepted;
    }
  }),
);
console.log(
  `log ingest: ${(accepted / ((performance.now() - started) / 1000)).toFixed(0)} lines/s`,
);

api.child.kill();
baseline.child.kill();
await testDb.dispose();

function wrk(url: string, headers: Record<string, string>): { rps: number; p99: string } {
  const args = [
    '-t2',
    '-c50',
    '-d10s',
    '--latency',
    ...Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]),
    url,
  ];
  const out = spawnSync('wrk', args, { encoding: 'utf8' });
  if (out.status !== 0)
    throw new Error(`wrk failed (install it: apt-get install wrk): ${out.stderr}`);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out.stdout)?.[1]);
  const p99 = /99%\s+(\S+)/.exec(out.stdout)?.[1] ?? '?';
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out.stdout)?.[1];
  if (non2xx) throw new Error(`${non2xx} non-2xx answers from ${url}`);
  return { rps, p99 };
}

function startServer(
  script: string,
  childEnv: NodeJS.ProcessEnv,
): Promise<{ child: ChildProcess; words: string[] }> {
  const child = spawn(process.execPath, [fileURLToPath(new URL(script, import.meta.url))], {
    env: childEnv,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /^listening (.*)$/m.exec(out);
      if (match?.[1]) resolve({ child, words: match[1].split(' ') });
    });
    child.once('exit', (code) => reject(new Error(`${script} exited ${code}`)));
  });
}
