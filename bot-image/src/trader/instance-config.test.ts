import { ConfigError } from '@hmmtrade/platform';
import { describe, expect, it } from 'vitest';
import { parseInstanceYaml } from './instance-config.ts';

const profile = `
  symbols: [BTC/USD]
  assetClass: crypto
  hmm: { lookbackBars: 200 }`;

describe('parseInstanceYaml', () => {
  it.each([
    {
      name: 'the supervisor’s instance file',
      yaml: `bot:\n  id: "b-1"\nmode: "paper"\nbroker:\n  kind: "alpaca"\nprofile:${profile}`,
      want: { botId: 'b-1', mode: 'paper', broker: 'alpaca' },
    },
    {
      name: 'a TradingBot manifest',
      yaml: `apiVersion: hmmtrade.io/v1alpha1\nkind: TradingBot\nmetadata: { name: btc }\nspec:\n  mode: live\n  broker: { kind: alpaca }\n  profile:${profile.replace(/\n/g, '\n  ')}`,
      want: { botId: 'btc', mode: 'live', broker: 'alpaca' },
    },
    {
      name: 'a bare profile (sim, paper)',
      yaml: profile.replace(/\n {2}/g, '\n'),
      want: { botId: null, mode: 'paper', broker: 'sim' },
    },
  ])('reads $name, applying the profile defaults', ({ yaml, want }) => {
    const instance = parseInstanceYaml(yaml, 'x.yaml');
    expect(instance).toMatchObject(want);
    expect(instance.profile.symbols).toEqual(['BTC/USD']);
    expect(instance.profile.hmm).toMatchObject({ lookbackBars: 200, minStates: 2, maxStates: 4 });
    expect(instance.profile.routing).toEqual({
      calm: 'trend',
      choppy: 'meanReversion',
      panic: 'flat',
    });
  });

  it.each([
    { yaml: 'a: [', message: 'x.yaml: not valid YAML' },
    { yaml: '- 1', message: 'x.yaml: expected a mapping' },
    { yaml: 'mode: paper', message: 'x.yaml: no profile found' },
    {
      yaml: `spec:\n  profile:\n    symbols: [btc]\n    assetClass: crypto`,
      message: 'x.yaml: spec.profile.symbols[0]: must be an uppercase ticker',
    },
    { yaml: `mode: live\nprofile:${profile}`, message: 'live mode requires broker kind alpaca' },
    {
      yaml: `broker: { kind: ib }\nprofile:${profile}`,
      message: 'broker.kind: must be alpaca or sim',
    },
  ])('refuses $yaml with a ConfigError naming the problem', ({ yaml, message }) => {
    expect(() => parseInstanceYaml(yaml, 'x.yaml')).toThrow(ConfigError);
    expect(() => parseInstanceYaml(yaml, 'x.yaml')).toThrow(message);
  });
});
