import { describe, expect, it } from 'vitest';
import { desiredInstance } from '../testing/desired-instance.ts';
import { botPod, cpuQuantity, graceSeconds } from './pod-spec.ts';

describe('pod spec helpers', () => {
  it('writes cpus as millicores', () => {
    expect([0.25, 0.5, 1, 2.0005, 0].map(cpuQuantity)).toEqual([
      '250m',
      '500m',
      '1000m',
      '2001m',
      '1m',
    ]);
  });

  it('never turns a stop timeout into grace 0, which would force-delete the pod', () => {
    expect([0, 0.2, 1, 29.5].map(graceSeconds)).toEqual([1, 1, 1, 30]);
  });

  it('adds broker env only when the bot has a secretRef', () => {
    const desired = desiredInstance('b1');
    expect(botPod(desired, { workDir: '/w' }).spec?.containers[0]?.env).toEqual([]);
    const ref = { name: 's', keyIdKey: 'k', secretKeyKey: 'v' };
    const env = botPod(desired, { workDir: '/w', brokerSecret: ref }).spec?.containers[0]?.env;
    expect(env?.map((e) => [e.name, e.value, e.valueFrom?.secretKeyRef?.key])).toEqual([
      ['APCA_API_KEY_ID', undefined, 'k'],
      ['APCA_API_SECRET_KEY', undefined, 'v'],
    ]);
  });
});
