// Time from spawning `hmmtrade up` to its first 200 on /healthz, on a fresh and on a reused data
// directory, and the process's RSS once serving. Run: npm run bench:up
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../cli/bin/hmmtrade.js', import.meta.url));
const RUNS = 5;

async function timeToHealthy(dataDir: string): Promise<{ ms: number; rssMb: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, 'up', '--port', '0', '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /is up at (\S+)/.exec(out);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}`)));
  });
  for (;;) {
    const res = await fetch(`${url}/healthz`).catch(() => undefined);
    if (res?.ok) break;
  }
  const ms = performance.now() - started;
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
  return { ms, rssMb: rssKb / 1024 };
}

function summary(label: string, samples: { ms: number; rssMb: number }[]) {
  const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
  const rss = Math.max(...samples.map((s) => s.rssMb));
  console.log(
    `${label}: p50 ${ms[Math.floor(ms.length / 2)]!.toFixed(0)} ms, max ${ms.at(-1)!.toFixed(0)} ms, RSS max ${rss.toFixed(0)} MB (n=${ms.length})`,
  );
}

const fresh = [];
const reused = [];
for (let i = 0; i < RUNS; i++) {
  const dir = mkdtempSync(join(tmpdir(), 'hmmtrade-bench-up-'));
  fresh.push(await timeToHealthy(dir));
  reused.push(await timeToHealthy(dir));
  rmSync(dir, { recursive: true, force: true });
}
summary('hmmtrade up, fresh data dir (creates + migrates)', fresh);
summary('hmmtrade up, reused data dir', reused);
