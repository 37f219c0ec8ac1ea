/**
 * Trader stand-ins, run as `node -e <source>` with the test's Node (process.execPath). Each
 * reports what it sees without ever printing a credential.
 */

/** The trader command for a fixture, as TRADER_COMMAND (a JSON array). */
export const fixtureCommand = (source: string): string =>
  JSON.stringify([process.execPath, '-e', source]);

const prelude = `
const fs = require('node:fs');
const path = require('node:path');
const say = (stream, line) => new Promise((done) => process[stream].write(line + '\\n', done));
const pause = (ms) => new Promise((done) => setTimeout(done, ms));
`;

/**
 * Prints to both streams (one line at a time), an event line, (with FIXTURE_LEAK=1) its broker
 * credential by mistake, what it found in its environment and working directory, then exits
 * with FIXTURE_EXIT_CODE (default 0).
 */
export const chattyTrader = `${prelude}
(async () => {
  const env = process.env;
  const dotenv = fs.readFileSync(path.join(process.cwd(), '.env'), 'utf8');
  await say('stdout', 'out 1');
  await pause(30);
  await say('stderr', 'err 1');
  await pause(30);
  await say('stdout', 'out 2');
  await pause(30);
  await say('stdout', JSON.stringify({ event: 'regime_change', label: 'calm', confidence: 0.91 }));
  await pause(30);
  await say('stderr', 'err 2');
  await pause(30);
  if (env.FIXTURE_LEAK === '1') {
    await say('stderr', 'oops: ' + env.APCA_API_SECRET_KEY + ' / ' + env.APCA_API_KEY_ID);
  }
  await say('stdout', [
    'facts',
    'bot=' + env.BOT_ID,
    'instance=' + fs.existsSync(path.join('config', 'instances', env.BOT_ID + '.yaml')),
    'instance-env=' + (env.HMMTRADE_INSTANCE_CONFIG === path.join(process.cwd(), 'config', 'instances', env.BOT_ID + '.yaml')),
    'dotenv-secret=' + dotenv.includes('APCA_API_SECRET_KEY=' + env.APCA_API_SECRET_KEY),
    'base-url=' + env.APCA_API_BASE_URL,
    'machine-token=' + (env.HMMTRADE_MACHINE_TOKEN === undefined ? 'absent' : 'present'),
    'fixture-var=' + env.FIXTURE_VAR,
  ].join(' '));
  process.exit(Number(env.FIXTURE_EXIT_CODE ?? 0));
})();
`;

/**
 * Prints \`tick N\` every FIXTURE_TICK_MS (default 10) until SIGTERM or SIGINT, then
 * \`got SIGTERM after N ticks\` and exit FIXTURE_EXIT_CODE (default 3); with
 * FIXTURE_IGNORE_TERM=1 it ignores both. On SIGHUP it re-reads .env and says whether the secret
 * changed. Stops ticking after FIXTURE_MAX_TICKS.
 */
export const tickingTrader = `${prelude}
const env = process.env;
const initialSecret = env.APCA_API_SECRET_KEY;
let tick = 0;
const max = Number(env.FIXTURE_MAX_TICKS ?? Infinity);
const timer = setInterval(() => {
  if (tick < max) process.stdout.write('tick ' + tick++ + '\\n');
}, Number(env.FIXTURE_TICK_MS ?? 10));
const onStop = (signal) => {
  if (env.FIXTURE_IGNORE_TERM === '1') {
    process.stdout.write('ignoring ' + signal + '\\n');
    return;
  }
  clearInterval(timer);
  process.stdout.write('got ' + signal + ' after ' + tick + ' ticks\\n', () =>
    process.exit(Number(env.FIXTURE_EXIT_CODE ?? 3)),
  );
};
process.on('SIGTERM', onStop);
process.on('SIGINT', onStop);
process.on('SIGHUP', () => {
  const text = fs.readFileSync('.env', 'utf8');
  const secret = /^APCA_API_SECRET_KEY=(.*)$/m.exec(text)[1];
  process.stdout.write('reloaded .env, secret changed=' + (secret !== initialSecret) + '\\n');
});
`;
