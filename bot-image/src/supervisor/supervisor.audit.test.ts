import { describe, expect, it, vi } from 'vitest';
import { receivedEvents, receivedLines, type StubReply } from './testing/api-stub.ts';
import { chattyTrader, fixtureCommand, tickingTrader } from './testing/fixture-traders.ts';
import { LONG, startSupervisor, useSupervisorSetup } from './testing/supervisor-harness.ts';

const setup = useSupervisorSetup();

const down: StubReply = {
  status: 503,
  body: { error: { code: 'unavailable', message: 'database unavailable' } },
};

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('runSupervisor: output tee and audit sink', () => {
  it('tees both streams with one seq order and turns JSON event lines into events', async () => {
    const { stub, workDir } = await setup();
    const run = startSupervisor({
      apiUrl: stub.url,
      workDir,
      traderCommand: fixtureCommand(chattyTrader),
      env: { FIXTURE_EXIT_CODE: '4' },
    });
    expect(await run.done).toBe(4);

    const eventLine = '{"event":"regime_change","label":"calm","confidence":0.91}';
    // Trader stdout is echoed as is; trader stderr goes to stderr as is.
    expect(
      run.stdout.filter((l) => !l.startsWith('supervisor: ') && !l.startsWith('facts')),
    ).toEqual(['out 1', 'out 2', eventLine]);
    expect(run.stderr).toEqual(['err 1', 'err 2']);

    const lines = receivedLines(stub);
    expect(new Set(lines.map((l) => l.bootId)).size).toBe(1);
    expect(lines.map((l) => l.seq)).toEqual(range(0, lines.length));
    // Seqs follow the order lines were read. Within a stream that is the order printed; across
    // the two pipes it is the order they arrived (the fixture spaces its writes out).
    const trader = lines.filter((l) => l.stream !== 'supervisor' && !l.line.startsWith('facts'));
    const ofStream = (stream: string) => trader.filter((l) => l.stream === stream);
    expect(ofStream('stdout').map((l) => l.line)).toEqual(['out 1', 'out 2', eventLine]);
    expect(ofStream('stderr').map((l) => l.line)).toEqual(['err 1', 'err 2']);
    expect(trader.map((l) => l.line).sort()).toEqual(
      ['out 1', 'err 1', 'out 2', eventLine, 'err 2'].sort(),
    );
    expect(lines.at(-1)).toMatchObject({
      stream: 'supervisor',
      line: 'the trader exited with code 4',
    });

    const events = receivedEvents(stub);
    expect(events.map((e) => e.seq)).toEqual(range(0, events.length));
    expect(events.filter((e) => e.type === 'regime_change')).toEqual([
      expect.objectContaining({ payload: { label: 'calm', confidence: 0.91 } }),
    ]);
    expect(events.filter((e) => e.type === 'lifecycle').map((e) => e.payload.phase)).toEqual([
      'trader_started',
      'trader_exited',
    ]);
    expect(events.some((e) => e.type === 'heartbeat')).toBe(true);
    expect(stub.rejected).toEqual([]);
  });

  it('keeps lines on disk through an API outage and delivers them in order, none lost', async () => {
    const { stub, workDir } = await setup();
    const run = startSupervisor({
      apiUrl: stub.url,
      workDir,
      traderCommand: fixtureCommand(tickingTrader),
      env: { FIXTURE_EXIT_CODE: '0' },
    });
    await vi.waitFor(() => expect(receivedLines(stub).length).toBeGreaterThan(20), LONG);

    stub.ingestFailure = down;
    const deliveredBefore = receivedLines(stub).length;
    await vi.waitFor(() => {
      expect(run.stdout).toContainEqual(
        expect.stringMatching(
          /^supervisor: audit logs: not delivered \(503 database unavailable\)/,
        ),
      );
      expect(run.stdout.filter((l) => l.startsWith('tick ')).length).toBeGreaterThan(
        deliveredBefore + 50,
      );
    }, LONG);
    // Then the API goes away altogether (connections refused) before it comes back.
    stub.ingestFailure = undefined;
    await stub.stop();
    await vi.waitFor(
      () =>
        expect(run.stdout).toContainEqual(
          expect.stringMatching(/^supervisor: audit logs: not delivered \(connect ECONNREFUSED /),
        ),
      LONG,
    );
    await stub.listen();
    await vi.waitFor(
      () => expect(receivedLines(stub).length).toBeGreaterThan(deliveredBefore + 100),
      LONG,
    );
    run.signal('SIGTERM');
    expect(await run.done).toBe(0);

    const lines = receivedLines(stub);
    expect(lines.map((l) => l.seq)).toEqual(range(0, lines.length));
    const ticks = lines.filter((l) => l.line.startsWith('tick ')).map((l) => l.line);
    expect(ticks).toEqual(run.stdout.filter((l) => l.startsWith('tick ')));
    expect(lines.at(-1)?.line).toBe('the trader exited with code 0');
    const events = receivedEvents(stub);
    expect(events.map((e) => e.seq)).toEqual(range(0, events.length));
  });

  it('drains a previous boot’s spool first, with its own boot id and seqs', async () => {
    const { stub, workDir } = await setup();
    stub.ingestFailure = down;
    const first = startSupervisor({
      apiUrl: stub.url,
      workDir,
      traderCommand: fixtureCommand(tickingTrader),
      env: { FIXTURE_MAX_TICKS: '50', STOP_TIMEOUT_SECONDS: '1' },
    });
    await vi.waitFor(() => expect(first.stdout).toContain('tick 49'), LONG);
    first.signal('SIGTERM');
    expect(await first.done).toBe(3);
    expect(first.stdout.at(-1)).toMatch(/^supervisor: audit items not yet delivered stay in /);
    expect(stub.logCalls).toEqual([]);

    stub.ingestFailure = undefined;
    const second = startSupervisor({
      apiUrl: stub.url,
      workDir,
      traderCommand: fixtureCommand(tickingTrader),
      env: { FIXTURE_MAX_TICKS: '5' },
    });
    await vi.waitFor(() => expect(second.stdout).toContain('tick 4'), LONG);
    second.signal('SIGTERM');
    expect(await second.done).toBe(3);

    const lines = receivedLines(stub);
    const boots = [...new Set(lines.map((l) => l.bootId))];
    expect(boots).toHaveLength(2);
    const [old, current] = boots.map((boot) => lines.filter((l) => l.bootId === boot));
    expect(lines.slice(0, old!.length)).toEqual(old); // the old boot entirely before the new
    expect(old!.map((l) => l.seq)).toEqual(range(0, old!.length));
    expect(current!.map((l) => l.seq)).toEqual(range(0, current!.length));
    expect(old!.filter((l) => l.line.startsWith('tick ')).map((l) => l.line)).toEqual(
      range(0, 50).map((n) => `tick ${n}`),
    );
    const oldEvents = receivedEvents(stub).filter((e) => e.bootId === boots[0]);
    expect(oldEvents.at(-1)).toMatchObject({
      type: 'lifecycle',
      payload: { phase: 'trader_exited' },
    });
  });
});
