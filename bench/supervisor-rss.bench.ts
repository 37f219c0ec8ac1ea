// RSS of the bot supervisor process as the image runs it (its ENTRYPOINT: the bundled
// bin/hmmtrade-bot.js, with the Dockerfile's Node flags) while it runs a trader that prints a
// line every 10 ms, against a stub of the control plane. Goal (issue 6): ≤ 60 MB.
// Run: npm run bench:supervisor
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBundles, bundledEntrypoint } from '../bot-image/scripts/bundles.ts';
import {
  STUB_BOT_ID,
  STUB_MACHINE_TOKEN,
  startApiStub,
} from '../bot-image/src/supervisor/testing/api-stub.ts';
import { childEnv } from './config.ts';

const bundleDir = mkdtempSync(join(tmpdir(), 'supervisor-bundle-'));
await buildBundles(bundleDir);
const entrypoint = bundledEntrypoint(bundleDir);
const stub = await startApiStub();
const work = mkdtempSync(join(tmpdir(), 'supervisor-rss-'));
const trader =
  "let i = 0; setInterval(() => console.log('tick ' + i++ + ' regime calm 0.91'), 10); process.on('SIGTERM', () => process.exit(0));";
const child = spawn(entrypoint.command, entrypoint.args, {
  env: childEnv({
    BOT_ID: STUB_BOT_ID,
    HMMTRADE_API_URL: stub.url,
    HMMTRADE_MACHINE_TOKEN: STUB_MACHINE_TOKEN,
    BOT_WORK_DIR: work,
    TRADER_COMMAND: JSON.stringify([process.execPath, '-e', trader]),
  }),
  stdio: ['ignore', 'ignore', 'inherit'],
});
const samples: number[] = [];
for (let second = 0; second < 15; second++) {
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  samples.push(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]) / 1024);
}
const exited = new Promise((resolve) => child.once('exit', resolve));
child.kill('SIGTERM');
await exited;
const shipped = stub.logCalls.reduce((n, call) => n + call.items.length, 0);
await stub.close();
rmSync(work, { recursive: true, force: true });
const bundleKiB = statSync(entrypoint.args.at(-1)!).size / 1024;
rmSync(bundleDir, { recursive: true, force: true });
console.log(
  `supervisor RSS over 15 s: max ${Math.max(...samples).toFixed(0)} MB, last ${samples.at(-1)!.toFixed(0)} MB (goal ≤ 60 MB); ${shipped} lines shipped`,
);
console.log(
  `bundle bin/hmmtrade-bot.js: ${bundleKiB.toFixed(0)} KiB; Node flags: ${entrypoint.args.slice(0, -1).join(' ') || 'none'}`,
);
