import { describe, expect, it } from 'vitest';

import { DNS_LABEL_MESSAGE } from './common.schema.ts';
import { ConditionReason, REASON_PATTERN } from './conditions.schema.ts';
import { botWith, minimalSpec, patched } from './spec.fixtures.ts';
import { BOT_ID_LABEL, FINALIZER } from './trading-bot.constants.ts';
import { validateTradingBot } from './trading-bot.validation.ts';

const bot = () => botWith(minimalSpec());
const NOW = '2025-01-02T15:04:05Z';

const status = {
  phase: 'Running',
  observedGeneration: 3,
  conditions: [
    {
      type: 'Ready',
      status: 'True',
      reason: ConditionReason.Running,
      message: '',
      observedGeneration: 3,
      lastTransitionTime: NOW,
    },
    {
      type: 'CredentialsAvailable',
      status: 'False',
      reason: ConditionReason.KMSUnavailable,
      message: 'kms: timeout',
      lastTransitionTime: '2025-01-02T10:04:05.123+01:00',
    },
  ],
  runtime: {
    backend: 'fly',
    instanceId: '148e2d3f',
    region: 'iad',
    image: 'x:1',
    state: 'started',
  },
  lastHeartbeatAt: NOW,
  regime: { label: 'calm', confidence: 0.82, since: NOW },
  nextWakeAt: NOW,
};

const cases: readonly (readonly [string, unknown, string, string?])[] = [
  ['apiVersion', 'hmmtrade.io/v1', 'must be "hmmtrade.io/v1alpha1"'],
  ['apiVersion', undefined, 'Required'],
  ['kind', 'Bot', 'must be "TradingBot"'],
  ['metadata', undefined, 'Required'],
  ['metadata.name', undefined, 'Required'],
  ['metadata.name', 'My_Bot', DNS_LABEL_MESSAGE],
  ['metadata.name', 'a'.repeat(64), 'must be at most 63 characters'],
  ['metadata.generation', -1, 'must be at least 0'],
  ['metadata.creationTimestamp', 'yesterday', 'must be an RFC 3339 timestamp'],
  [
    'metadata.labels',
    { [BOT_ID_LABEL]: 7 },
    'must be a string',
    'metadata.labels["hmmtrade.io/bot-id"]',
  ],
  ['spec', undefined, 'Required'],
  ['spec.mode', 'yolo', 'must be one of: paper, live'],
  [
    'status.phase',
    'Sleepy',
    'must be one of: Pending, Provisioning, Running, Sleeping, Stopping, Stopped, Suspended, Failed, Deleting',
  ],
  ['status.regime', { confidence: 1.2 }, 'must be at most 1', 'status.regime.confidence'],
  [
    'status.conditions',
    [{ ...status.conditions[0], reason: 'not camel' }],
    'must be CamelCase, e.g. MarketClosed',
    'status.conditions[0].reason',
  ],
  [
    'status.conditions',
    [{ ...status.conditions[0], status: 'Yes' }],
    'must be one of: True, False, Unknown',
    'status.conditions[0].status',
  ],
  [
    'status.conditions',
    [{ ...status.conditions[0], type: 'Healthy' }],
    'must be one of: Ready, Entitled, CredentialsAvailable, BackendAvailable, ConfigSynced',
    'status.conditions[0].type',
  ],
  [
    'status.conditions',
    [{ ...status.conditions[0], lastTransitionTime: 'now' }],
    'must be an RFC 3339 timestamp',
    'status.conditions[0].lastTransitionTime',
  ],
  [
    'status.conditions',
    [status.conditions[0], status.conditions[0]],
    'duplicate value "Ready"',
    'status.conditions[1].type',
  ],
  ['extra', true, 'unknown field'],
];

describe('validateTradingBot', () => {
  it('accepts a full object with status and reports paths from the root', () => {
    const input = patched(patched(bot(), 'status', status), 'metadata.finalizers', [FINALIZER]);
    const result = validateTradingBot(input);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.bot.spec.mode).toBe('paper');
    expect(result.bot.status?.conditions?.map((c) => c.type)).toEqual([
      'Ready',
      'CredentialsAvailable',
    ]);
  });

  it.each(cases.map((row) => [`${row[3] ?? row[0]} = ${JSON.stringify(row[1])}`, row] as const))(
    'rejects %s',
    (_, [set, value, message, path = set]) => {
      expect(validateTradingBot(patched(bot(), set, value))).toEqual({
        ok: false,
        issues: [{ path, message }],
      });
    },
  );

  it('rejects something that is not an object at the root', () => {
    expect(validateTradingBot(null)).toEqual({
      ok: false,
      issues: [{ path: '(root)', message: 'must be an object' }],
    });
  });

  it('passes metadata it does not model through untouched', () => {
    const managedFields = [{ manager: 'kubectl', operation: 'Apply' }];
    const result = validateTradingBot(patched(bot(), 'metadata.managedFields', managedFields));
    expect(result.ok && result.bot.metadata).toMatchObject({ name: 'demo', managedFields });
  });

  it('drops unknown status fields instead of failing on them', () => {
    const result = validateTradingBot(patched(bot(), 'status', { phase: 'Running', newer: 1 }));
    expect(result.ok && result.bot.status).toEqual({ phase: 'Running' });
  });
});

describe('condition reasons', () => {
  it('are CamelCase and named after their value', () => {
    for (const [name, value] of Object.entries(ConditionReason)) {
      expect(value).toBe(name);
      expect(value).toMatch(REASON_PATTERN);
    }
  });
});
