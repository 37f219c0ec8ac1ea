import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { STUB_SECRET_KEY, alpacaToken, receivedEvents, receivedLines } from './testing/api-stub.ts';
import { fixtureCommand, tickingTrader } from './testing/fixture-traders.ts';
import { LONG, startSupervisor, useSupervisorSetup } from './testing/supervisor-harness.ts';

const setup = useSupervisorSetup();

describe('runSupervisor: signals, stop and token refresh', () => {
  it('forwards SIGTERM to the trader and returns its exit code', async () => {
    const { stub, workDir } = await setup();
    const run = startSupervisor({
      apiUrl: stub.url,
      workDir,
      traderCommand: fixtureCommand(tickingTrader),
      env: { FIXTURE_EXIT_CODE: '3' },
    });
    await vi.waitFor(() => expect(run.stdout).toContain('tick 3'), LONG);
    run.signal('SIGTERM');
    expect(await run.done).toBe(3);

    expect(run.stdout).toContain('supervisor: SIGTERM received, forwarded to the trader');
    expect(run.stdout).toContainEqual(expect.stringMatching(/^got SIGTERM after \d+ ticks$/));
    // Flushed before exit: the trader's last words and the exit are in the audit trail.
    const lines = receivedLines(stub).map((l) => l.line);
    expect(lines).toContainEqual(expect.stringMatching(/^got SIGTERM after \d+ ticks$/));
    expect(lines.at(-1)).toBe('the trader exited with code 3');
    expect(receivedEvents(stub).at(-1)).toMatchObject({
      type: 'lifecycle',
      payload: { phase: 'trader_exited', code: 3, signal: null, status: 3 },
    });
  });

  it('SIGKILLs a trader that ignores SIGINT after the grace and returns 128 + 9', async () => {
    const { stub, workDir } = await setup();
    const run = startSupervisor({
      apiUrl: stub.url,
      workDir,
      traderCommand: fixtureCommand(tickingTrader),
      env: { FIXTURE_IGNORE_TERM: '1', STOP_TIMEOUT_SECONDS: '1' },
    });
    await vi.waitFor(() => expect(run.stdout).toContain('tick 3'), LONG);
    run.signal('SIGINT');
    expect(await run.done).toBe(137);
    expect(run.stdout).toContain('supervisor: SIGINT received, forwarded to the trader');
    expect(run.stdout).toContain('ignoring SIGINT');
    expect(run.stdout).toContain(
      'supervisor: the trader is still running 0.5s after the stop signal: sending SIGKILL',
    );
    expect(run.stdout).toContain('supervisor: the trader was ended by SIGKILL');
  });

  it('refreshes the broker token before it expires and tells the trader', async () => {
    const { stub, workDir } = await setup();
    let issued = 0;
    stub.token = () => {
      issued += 1;
      return { status: 200, body: alpacaToken(1_500, `${STUB_SECRET_KEY}-${issued}`) };
    };
    const run = startSupervisor({
      apiUrl: stub.url,
      workDir,
      traderCommand: fixtureCommand(tickingTrader),
      env: { TRADER_RELOAD_SIGNAL: 'SIGHUP', FIXTURE_TICK_MS: '50' },
    });
    await vi.waitFor(
      () => expect(run.stdout).toContain('reloaded .env, secret changed=true'),
      LONG,
    );
    const dotenv = await readFile(join(workDir, '.env'), 'utf8');
    expect(dotenv).toMatch(new RegExp(`^APCA_API_SECRET_KEY=${STUB_SECRET_KEY}-[2-9]$`, 'm'));
    run.signal('SIGTERM');
    expect(await run.done).toBe(3);

    expect(stub.calls.token).toBeGreaterThanOrEqual(2);
    expect(run.stdout).toContainEqual(
      expect.stringMatching(/^supervisor: broker token refreshed, .*\.env rewritten \(expires /),
    );
    const refreshed = receivedEvents(stub).filter(
      (e) => e.type === 'lifecycle' && e.payload.phase === 'broker_token_refreshed',
    );
    expect(refreshed.length).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(receivedLines(stub))).not.toContain(STUB_SECRET_KEY);
  });

  it('reports a trader command that cannot start and exits 127', async () => {
    const { stub, workDir } = await setup();
    const run = startSupervisor({
      apiUrl: stub.url,
      workDir,
      traderCommand: JSON.stringify([join(workDir, 'no-such-trader')]),
    });
    expect(await run.done).toBe(127);
    expect(run.stdout).toContainEqual(
      expect.stringMatching(
        /^supervisor: the trader could not start: spawn .*no-such-trader ENOENT$/,
      ),
    );
    expect(receivedEvents(stub).at(-1)).toMatchObject({
      type: 'lifecycle',
      payload: { phase: 'trader_exited', status: 127 },
    });
  });
});
