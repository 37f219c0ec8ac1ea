// The control plane on a given database, for load tests: prints "listening <url> <jwt> <botId>".
import { Writable } from 'node:stream';
import { createApp, createMachineTokens, generateMachineSigningKey } from '@hmmtrade/api';
import { createDb } from '@hmmtrade/db';
import { createLogger, createMetricsRegistry, listen } from '@hmmtrade/platform';
import { benchServerArgs } from '../config.ts';

const { databaseUrl, botId } = benchServerArgs();
const database = await createDb({ databaseUrl, dataDir: '/nonexistent', poolMax: 20 });
const machineTokens = await createMachineTokens({
  signingKeys: [await generateMachineSigningKey()],
  issuer: 'bench',
});
const app = createApp({
  version: 'bench',
  logger: createLogger({
    component: 'api',
    level: 'silent',
    destination: new Writable({ write: (_c, _e, cb) => cb() }),
  }),
  registry: createMetricsRegistry({ defaultMetrics: false }),
  readiness: () => Promise.resolve({ ready: true }),
  db: database.db,
  settings: { csrfSecret: 'bench', secureCookies: false, authAttemptsPerMinute: 1000 },
  machineTokens,
});
const server = await listen(app, { host: '127.0.0.1', port: 0 });
console.log(`listening ${server.url} ${await machineTokens.mint(botId)} ${botId}`);
