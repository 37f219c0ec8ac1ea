import { describe, expect, it } from 'vitest';
import {
  backSubstitutionTransposed,
  cholesky,
  forwardSubstitution,
  logDetFromCholesky,
  logDetSpd,
  mahalanobisSquared,
  scaledIdentity,
  solveSpd,
  tryCholesky,
} from './linalg.ts';

const spd = [
  [4, 12, -16],
  [12, 37, -43],
  [-16, -43, 98],
];

const multiply = (a: number[][], x: number[]) =>
  a.map((row) => row.reduce((sum, v, j) => sum + v * x[j]!, 0));

describe('cholesky', () => {
  it('factors a known SPD matrix', () => {
    expect(cholesky(spd)).toEqual([
      [2, 0, 0],
      [6, 1, 0],
      [-8, 5, 3],
    ]);
  });

  it('returns null (tryCholesky) or throws (cholesky) for matrices that are not SPD', () => {
    const indefinite = [
      [1, 2],
      [2, 1],
    ];
    expect(tryCholesky(indefinite)).toBeNull();
    expect(tryCholesky([[0]])).toBeNull();
    expect(tryCholesky([[Number.NaN]])).toBeNull();
    expect(() => cholesky(indefinite)).toThrow(/not symmetric positive definite/);
  });
});

describe('log-determinant', () => {
  it('is 2·Σ log L_ii: |spd| = 36', () => {
    expect(logDetFromCholesky(cholesky(spd))).toBeCloseTo(Math.log(36), 12);
    expect(logDetSpd(scaledIdentity(4, 2))).toBeCloseTo(4 * Math.log(2), 12);
  });
});

describe('triangular and SPD solves', () => {
  it('solves L·y = b and Lᵀ·x = y', () => {
    const l = cholesky(spd);
    const y = forwardSubstitution(l, [2, 3, 4]);
    expect(multiply(l, y).map((v) => Number(v.toFixed(12)))).toEqual([2, 3, 4]);
    const x = backSubstitutionTransposed(l, y);
    const lt = l.map((_, i) => l.map((row) => row[i]!));
    expect(
      multiply(lt, x)
        .map((v, i) => v - y[i]!)
        .every((d) => Math.abs(d) < 1e-12),
    ).toBe(true);
  });

  it('solves A·x = b for SPD A', () => {
    const x = solveSpd(spd, [1, -2, 0.5]);
    multiply(spd, x).forEach((v, i) => expect(v).toBeCloseTo([1, -2, 0.5][i]!, 10));
  });

  it('computes the Mahalanobis distance (x−μ)ᵀA⁻¹(x−μ)', () => {
    const x = [1, 2, 3];
    const mean = [0.5, 1, -1];
    const diff = x.map((v, i) => v - mean[i]!);
    const expected = diff.reduce((s, v, i) => s + v * solveSpd(spd, diff)[i]!, 0);
    expect(mahalanobisSquared(cholesky(spd), x, mean)).toBeCloseTo(expected, 10);
    const scratch = new Float64Array(3);
    const shifted = mahalanobisSquared(cholesky(spd), [9, ...x], mean, 1, scratch);
    expect(shifted).toBeCloseTo(expected, 10);
  });
});
