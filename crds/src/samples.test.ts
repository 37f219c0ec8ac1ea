import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import { formatIssues, validateTradingBot } from './trading-bot.validation.ts';

const samplesDir = fileURLToPath(new URL('../samples/', import.meta.url));

function loadSample(file: string) {
  const result = validateTradingBot(parse(readFileSync(join(samplesDir, file), 'utf8')));
  if (!result.ok) throw new Error(`${file}: ${formatIssues(result.issues)}`);
  return result.bot;
}

describe('samples', () => {
  it('includes the two documented samples', () => {
    expect(readdirSync(samplesDir).sort()).toEqual(['paper-alpaca.yaml', 'paper-sim.yaml']);
  });

  it.each(readdirSync(samplesDir))('%s is a valid TradingBot', (file) => {
    expect(loadSample(file).kind).toBe('TradingBot');
  });

  it('paper-sim runs paper on the sim broker with no credentials', () => {
    const { spec } = loadSample('paper-sim.yaml');
    expect(spec.mode).toBe('paper');
    expect(spec.broker).toEqual({ kind: 'sim' });
  });

  it('paper-alpaca runs paper stocks on Alpaca from a Secret, during market hours', () => {
    const { spec } = loadSample('paper-alpaca.yaml');
    expect(spec.mode).toBe('paper');
    expect(spec.broker.kind).toBe('alpaca');
    expect(spec.broker.secretRef?.name).toBe('alpaca-paper');
    expect(spec.broker.connectionId).toBeUndefined();
    expect(spec.profile.assetClass).toBe('stocks');
    expect(spec.runtime.schedule).toBe('market-hours');
  });
});
