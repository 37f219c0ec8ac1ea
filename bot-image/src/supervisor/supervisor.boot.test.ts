import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import {
  STUB_BOT_ID,
  STUB_KEY_ID,
  STUB_MACHINE_TOKEN,
  STUB_SECRET_KEY,
  alpacaToken,
  receivedLines,
  stubProfile,
} from './testing/api-stub.ts';
import { chattyTrader, fixtureCommand, tickingTrader } from './testing/fixture-traders.ts';
import { LONG, startSupervisor, useSupervisorSetup } from './testing/supervisor-harness.ts';

const setup = useSupervisorSetup();

const secrets = [STUB_MACHINE_TOKEN, STUB_SECRET_KEY, STUB_KEY_ID];
const expectNoSecret = (text: string) => {
  for (const secret of secrets) expect(text).not.toContain(secret);
};

describe('runSupervisor: boot', () => {
  it('waits for the control plane and KMS, saying why, then boots', async () => {
    const { stub, workDir } = await setup();
    await stub.stop(); // connection refused until it listens again
    let kmsDown = 2;
    stub.token = () =>
      kmsDown-- > 0
        ? {
            status: 503,
            headers: { 'retry-after': '1' },
            body: { error: { code: 'unavailable', message: 'KMS unavailable' } },
          }
        : { status: 200, body: alpacaToken() };

    const run = startSupervisor({
      apiUrl: stub.url,
      workDir,
      traderCommand: fixtureCommand(chattyTrader),
    });
    await vi.waitFor(
      () =>
        expect(run.stdout).toContainEqual(
          expect.stringMatching(
            /^supervisor: waiting for the control plane: connect ECONNREFUSED 127\.0\.0\.1:\d+, retrying in \d+ms$/,
          ),
        ),
      LONG,
    );
    await stub.listen();

    expect(await run.done).toBe(0);
    const waits = run.stdout.filter((line) => line.includes('503 KMS unavailable'));
    expect(waits).toEqual([
      'supervisor: waiting for the control plane: 503 KMS unavailable, retrying in 1s',
      'supervisor: waiting for the control plane: 503 KMS unavailable, retrying in 1s',
    ]);
    expect(stub.calls).toEqual({ profile: 1, token: 3 });
    // The outage messages were spooled and reached the audit trail once it was back.
    const shipped = receivedLines(stub).map((l) => `${l.stream}: ${l.line}`);
    expect(shipped).toContain(
      'supervisor: waiting for the control plane: 503 KMS unavailable, retrying in 1s',
    );
    expect(stub.rejected).toEqual([]);
  });

  it('writes the instance YAML and a 0600 .env, gives the trader its variables, leaks no secret', async () => {
    const { stub, workDir } = await setup();
    const run = startSupervisor({
      apiUrl: stub.url,
      workDir,
      traderCommand: fixtureCommand(chattyTrader),
      env: { FIXTURE_VAR: 'passed-through', FIXTURE_LEAK: '1' },
    });
    expect(await run.done).toBe(0);
    // A trader printing its credential by mistake: redacted on stdout/stderr and in the sink.
    expect(run.stderr).toContain('oops: [redacted] / [redacted]');
    expect(receivedLines(stub).map((l) => l.line)).toContain('oops: [redacted] / [redacted]');

    const yamlFile = join(workDir, 'config', 'instances', `${STUB_BOT_ID}.yaml`);
    const yamlText = await readFile(yamlFile, 'utf8');
    expectNoSecret(yamlText);
    const profile = stubProfile();
    expect(parse(yamlText)).toEqual({
      bot: { id: STUB_BOT_ID, name: 'stub-bot', generation: 7 },
      mode: 'paper',
      broker: { kind: 'alpaca', environment: 'paper', connectionLabel: 'my paper' },
      profile: profile.profile_json.profile,
    });

    const envFile = join(workDir, '.env');
    expect((await stat(envFile)).mode & 0o777).toBe(0o600);
    const dotenv = await readFile(envFile, 'utf8');
    expect(dotenv).toContain(`BOT_ID=${STUB_BOT_ID}\n`);
    expect(dotenv).toContain(`APCA_API_KEY_ID=${STUB_KEY_ID}\n`);
    expect(dotenv).toContain(`APCA_API_SECRET_KEY=${STUB_SECRET_KEY}\n`);
    expect(dotenv).toContain('APCA_API_BASE_URL=https://paper-api.alpaca.markets\n');
    expect(dotenv).not.toContain(STUB_MACHINE_TOKEN);

    expect(run.stdout).toContain(
      [
        'facts',
        `bot=${STUB_BOT_ID}`,
        'instance=true',
        'instance-env=true',
        'dotenv-secret=true',
        'base-url=https://paper-api.alpaca.markets',
        'machine-token=absent',
        'fixture-var=passed-through',
      ].join(' '),
    );
    expectNoSecret([...run.stdout, ...run.stderr].join('\n'));
    expectNoSecret(JSON.stringify(stub.logCalls));
    expectNoSecret(JSON.stringify(stub.eventCalls));
  });

  it('writes HMMTRADE_SIM_TOKEN for a sim broker', async () => {
    const { stub, workDir } = await setup();
    stub.profile = () => ({ status: 200, body: stubProfile({ kind: 'sim' }) });
    stub.token = () => ({
      status: 200,
      body: {
        kind: 'sim',
        environment: 'paper',
        token: 'simtok123',
        expiresAt: alpacaToken().expiresAt,
      },
    });
    const run = startSupervisor({ apiUrl: stub.url, workDir, traderCommand: fixtureCommand('') });
    expect(await run.done).toBe(0);
    const dotenv = await readFile(join(workDir, '.env'), 'utf8');
    expect(dotenv).toContain('HMMTRADE_SIM_TOKEN=simtok123\n');
    expect(dotenv).toContain('HMMTRADE_BROKER_KIND=sim\n');
    expect(dotenv).not.toContain('APCA_');
  });

  it('stops at a 401 with a clear message and never starts the trader', async () => {
    const { stub, workDir } = await setup();
    stub.profile = () => ({
      status: 401,
      body: { error: { code: 'unauthorized', message: 'invalid machine token' } },
    });
    const run = startSupervisor({
      apiUrl: stub.url,
      workDir,
      traderCommand: fixtureCommand(chattyTrader),
    });
    expect(await run.done).toBe(1);
    expect(run.stderr).toEqual([
      'supervisor: fatal: the control plane refused the machine token ' +
        '(401 invalid machine token); check HMMTRADE_MACHINE_TOKEN',
    ]);
    expect(stub.calls).toEqual({ profile: 1, token: 0 });
    expect(run.stdout.some((line) => line.includes('trader started'))).toBe(false);
  });

  it('ends the wait at SIGTERM during boot with 128 + 15', async () => {
    const { stub, workDir } = await setup();
    stub.profile = () => ({
      status: 502,
      body: { error: { code: 'bad_gateway', message: 'down' } },
    });
    const run = startSupervisor({
      apiUrl: stub.url,
      workDir,
      traderCommand: fixtureCommand(tickingTrader),
    });
    await vi.waitFor(() => expect(stub.calls.profile).toBeGreaterThan(1), LONG);
    run.signal('SIGTERM');
    expect(await run.done).toBe(143);
    expect(run.stdout).toContain('supervisor: SIGTERM received');
  });
});
