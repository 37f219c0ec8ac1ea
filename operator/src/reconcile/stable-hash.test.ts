import { describe, expect, it } from 'vitest';
import { sameJson, stableHash } from './stable-hash.ts';

describe('stableHash', () => {
  it('ignores key order and undefined values, and sees every change', () => {
    expect(stableHash({ a: 1, b: { c: [1, 2] } })).toBe(
      stableHash({ b: { c: [1, 2] }, a: 1, d: undefined }),
    );
    expect(stableHash({ a: 1 })).not.toBe(stableHash({ a: 2 }));
    expect(stableHash({ a: [1, 2] })).not.toBe(stableHash({ a: [2, 1] }));
    expect(stableHash('x')).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('sameJson', () => {
  it.each([
    [{ a: 1, b: [1, { c: 'x' }] }, { b: [1, { c: 'x' }], a: 1 }, true],
    [{ a: 1, u: undefined }, { a: 1 }, true],
    [{ a: 1 }, { a: 1, b: null }, false],
    [[1, 2], [1, 2, 3], false],
    [{ a: [1] }, { a: { 0: 1 } }, false],
    ['1', 1, false],
  ])('%j vs %j → %s', (a, b, want) => {
    expect(sameJson(a, b)).toBe(want);
    expect(sameJson(b, a)).toBe(want);
  });
});
