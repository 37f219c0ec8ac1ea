import { describe, expect, it } from 'vitest';
import { tradingBotSpecSchema, type TradingBotSpec } from '@hmmtrade/crds';
import { decide, type DecideInput, type Decision } from './decide.ts';
import { createNyseCalendar } from './market-calendar.ts';

const calendar = createNyseCalendar();
const MONDAY_NOON_ET = new Date('2026-11-30T17:00:00Z');
const SATURDAY = new Date('2026-11-28T17:00:00Z');
const MONDAY_OPEN = new Date('2026-11-30T14:30:00Z');

function spec(
  overrides: { suspend?: boolean; schedule?: 'always' | 'market-hours'; crypto?: boolean } = {},
): TradingBotSpec {
  return tradingBotSpecSchema.parse({
    suspend: overrides.suspend ?? false,
    broker: { kind: 'sim' },
    profile: {
      symbols: overrides.crypto ? ['BTC/USD'] : ['AAPL'],
      assetClass: overrides.crypto ? 'crypto' : 'stocks',
      timeframe: '5Min',
    },
    runtime: { backend: 'local', schedule: overrides.schedule ?? 'always' },
  });
}

const entitled = { entitled: true };
const base: DecideInput = {
  spec: spec(),
  deleted: false,
  entitlement: entitled,
  now: MONDAY_NOON_ET,
  calendar,
};

const cases: {
  name: string;
  given: Partial<DecideInput>;
  want: Pick<Decision, 'target' | 'reason'>;
}[] = [
  { name: 'a plain bot runs', given: {}, want: { target: { kind: 'running' }, reason: 'Running' } },
  {
    name: 'deletion wins over everything',
    given: { deleted: true, spec: spec({ suspend: true }), entitlement: { entitled: false } },
    want: { target: { kind: 'absent' }, reason: 'Deleting' },
  },
  {
    name: 'a deleted bot with an unreadable spec is still removed',
    given: { deleted: true, spec: null },
    want: { target: { kind: 'absent' }, reason: 'Deleting' },
  },
  {
    name: 'billing stops a bot even if the user wants it running',
    given: { entitlement: { entitled: false, reason: 'NotEntitled', message: 'trial over' } },
    want: { target: { kind: 'stopped' }, reason: 'NotEntitled' },
  },
  {
    name: 'suspend stops',
    given: { spec: spec({ suspend: true }) },
    want: { target: { kind: 'stopped' }, reason: 'Suspended' },
  },
  {
    name: 'market-hours stock bot runs while the market is open',
    given: { spec: spec({ schedule: 'market-hours' }) },
    want: { target: { kind: 'running' }, reason: 'Running' },
  },
  {
    name: 'market-hours stock bot sleeps on a weekend until Monday 09:30 ET',
    given: { spec: spec({ schedule: 'market-hours' }), now: SATURDAY },
    want: { target: { kind: 'sleeping', until: MONDAY_OPEN }, reason: 'MarketClosed' },
  },
  {
    name: 'market-hours bot sleeps over Thanksgiving',
    given: { spec: spec({ schedule: 'market-hours' }), now: new Date('2026-11-26T17:00:00Z') },
    want: {
      target: { kind: 'sleeping', until: new Date('2026-11-27T14:30:00Z') },
      reason: 'MarketClosed',
    },
  },
  {
    name: 'crypto never sleeps, even on a weekend',
    given: { spec: spec({ crypto: true }), now: SATURDAY },
    want: { target: { kind: 'running' }, reason: 'Running' },
  },
  {
    name: 'a suspended market-hours bot is stopped, not sleeping',
    given: { spec: spec({ schedule: 'market-hours', suspend: true }), now: SATURDAY },
    want: { target: { kind: 'stopped' }, reason: 'Suspended' },
  },
];

describe('decide', () => {
  it.each(cases)('$name', ({ given, want }) => {
    const decision = decide({ ...base, ...given });
    expect(decision).toMatchObject(want);
    expect(decision.message).toBe(decide({ ...base, ...given }).message);
  });

  it('says when a sleeping bot wakes', () => {
    const decision = decide({ ...base, spec: spec({ schedule: 'market-hours' }), now: SATURDAY });
    expect(decision.message).toBe('market closed; sleeping until 2026-11-30T14:30:00.000Z');
  });

  it('passes the billing message through', () => {
    const decision = decide({
      ...base,
      entitlement: { entitled: false, message: 'trial ended on 2026-11-01' },
    });
    expect(decision.message).toBe('trial ended on 2026-11-01');
  });
});
