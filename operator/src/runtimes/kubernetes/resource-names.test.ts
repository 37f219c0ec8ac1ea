import { describe, expect, it } from 'vitest';
import { objectName } from './resource-names.ts';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

describe('objectName', () => {
  it('is bot-<id> for DNS-safe ids such as uuids', () => {
    expect(objectName('0b6f3c1e-8a8e-4f7d-9a51-2f3c9d0e7a11')).toBe(
      'bot-0b6f3c1e-8a8e-4f7d-9a51-2f3c9d0e7a11',
    );
  });

  it('maps any other id to a stable, distinct DNS label', () => {
    const ids = ['Bot_A', 'bot_a', 'x'.repeat(80), '---', 'a.b'];
    const names = ids.map(objectName);
    for (const name of names) {
      expect(name).toMatch(DNS_LABEL);
      expect(name.length).toBeLessThanOrEqual(63);
    }
    expect(new Set(names).size).toBe(ids.length);
    expect(ids.map(objectName)).toEqual(names);
  });
});
