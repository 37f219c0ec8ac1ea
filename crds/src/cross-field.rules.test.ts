import { describe, expect, it } from 'vitest';

import { crossFieldRules } from './cross-field.rules.ts';
import { minimalSpec, patched } from './spec.fixtures.ts';
import { validateTradingBotSpec } from './trading-bot.validation.ts';

const UUID = '6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f';
const SECRET_REF = { name: 'alpaca-paper' };

/** Applies `[path, value]` pairs below spec to the minimal spec. */
function specWith(...changes: readonly (readonly [string, unknown])[]): Record<string, unknown> {
  return changes.reduce<Record<string, unknown>>(
    (spec, [path, value]) => patched(spec, path, value),
    { ...minimalSpec() },
  );
}

const ONE_CREDENTIAL = 'alpaca broker needs exactly one of secretRef or connectionId';
const NO_CREDENTIALS = 'sim broker takes no credentials: remove secretRef and connectionId';
const CRYPTO_ALWAYS = 'market-hours is only for assetClass stocks: crypto trades around the clock';

const violations = [
  {
    rule: 'hmm-state-range',
    spec: specWith(['profile.hmm', { minStates: 5, maxStates: 3 }]),
    issue: { path: 'spec.profile.hmm.minStates', message: 'must be at most maxStates' },
  },
  {
    rule: 'hmm-state-range (against the default maxStates 4)',
    spec: specWith(['profile.hmm.minStates', 6]),
    issue: { path: 'spec.profile.hmm.minStates', message: 'must be at most maxStates' },
  },
  {
    rule: 'market-hours-stocks-only',
    spec: specWith(['profile.assetClass', 'crypto'], ['runtime.schedule', 'market-hours']),
    issue: { path: 'spec.runtime.schedule', message: CRYPTO_ALWAYS },
  },
  {
    rule: 'alpaca-one-credential (neither)',
    spec: specWith(['broker', { kind: 'alpaca' }]),
    issue: { path: 'spec.broker', message: ONE_CREDENTIAL },
  },
  {
    rule: 'alpaca-one-credential (both)',
    spec: specWith(['broker', { kind: 'alpaca', secretRef: SECRET_REF, connectionId: UUID }]),
    issue: { path: 'spec.broker', message: ONE_CREDENTIAL },
  },
  {
    rule: 'sim-no-credentials (secretRef)',
    spec: specWith(['broker', { kind: 'sim', secretRef: SECRET_REF }]),
    issue: { path: 'spec.broker', message: NO_CREDENTIALS },
  },
  {
    rule: 'sim-no-credentials (connectionId)',
    spec: specWith(['broker', { kind: 'sim', connectionId: UUID }]),
    issue: { path: 'spec.broker', message: NO_CREDENTIALS },
  },
  {
    rule: 'live-needs-alpaca',
    spec: specWith(['mode', 'live']),
    issue: { path: 'spec.mode', message: 'live mode requires broker kind alpaca' },
  },
  {
    rule: 'position-within-exposure',
    spec: specWith(['profile.risk', { maxPositionPct: 0.6, maxExposurePct: 0.5 }]),
    issue: { path: 'spec.profile.risk.maxPositionPct', message: 'must be at most maxExposurePct' },
  },
  {
    rule: 'position-within-exposure (against the default maxExposurePct 0.5)',
    spec: specWith(['profile.risk.maxPositionPct', 0.8]),
    issue: { path: 'spec.profile.risk.maxPositionPct', message: 'must be at most maxExposurePct' },
  },
];

const satisfied = [
  {
    name: 'minStates equal to maxStates',
    spec: specWith(['profile.hmm', { minStates: 3, maxStates: 3 }]),
  },
  { name: 'market-hours for stocks', spec: specWith(['runtime.schedule', 'market-hours']) },
  { name: 'always for crypto', spec: specWith(['profile.assetClass', 'crypto']) },
  {
    name: 'alpaca with a secretRef',
    spec: specWith(['broker', { kind: 'alpaca', secretRef: SECRET_REF }]),
  },
  {
    name: 'live on alpaca',
    spec: specWith(['mode', 'live'], ['broker', { kind: 'alpaca', connectionId: UUID }]),
  },
  {
    name: 'position equal to exposure',
    spec: specWith(['profile.risk', { maxPositionPct: 0.5, maxExposurePct: 0.5 }]),
  },
];

describe('cross-field rules', () => {
  it.each(violations)('rejects $rule', ({ spec, issue }) => {
    expect(validateTradingBotSpec(spec)).toEqual({ ok: false, issues: [issue] });
  });

  it.each(satisfied)('accepts $name', ({ spec }) => {
    expect(validateTradingBotSpec(spec).ok).toBe(true);
  });

  it('judges a relation only once the related fields are valid on their own', () => {
    const spec = specWith(['profile.risk', { maxPositionPct: 1.5, maxExposurePct: 0.5 }]);
    expect(validateTradingBotSpec(spec)).toEqual({
      ok: false,
      issues: [{ path: 'spec.profile.risk.maxPositionPct', message: 'must be at most 1' }],
    });
  });

  it('covers every rule in the table above, each with a unique id', () => {
    const ids = crossFieldRules.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    const tested = new Set(violations.map(({ rule }) => rule.split(' ')[0]));
    expect([...tested].sort()).toEqual([...ids].sort());
  });
});
