/** Small dense linear algebra for the Gaussian emissions: matrices are arrays of rows. */

export type Matrix = readonly (readonly number[])[];

/**
 * Lower-triangular L with L·Lᵀ = a, or null when `a` is not symmetric positive definite (a
 * non-positive pivot). Only the lower triangle of `a` is read.
 */
export function tryCholesky(a: Matrix): number[][] | null {
  const n = a.length;
  const l: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    const rowI = l[i]!;
    for (let j = 0; j <= i; j++) {
      const rowJ = l[j]!;
      let sum = a[i]![j]!;
      for (let k = 0; k < j; k++) sum -= rowI[k]! * rowJ[k]!;
      if (i === j) {
        if (!(sum > 0) || !Number.isFinite(sum)) return null;
        rowI[i] = Math.sqrt(sum);
      } else {
        rowI[j] = sum / rowJ[j]!;
      }
    }
  }
  return l;
}

/** Cholesky factor of a symmetric positive definite matrix; throws otherwise. */
export function cholesky(a: Matrix): number[][] {
  const l = tryCholesky(a);
  if (l === null) throw new Error('cholesky: matrix is not symmetric positive definite');
  return l;
}

/** log|A| from A's Cholesky factor: 2·Σ log L_ii. */
export function logDetFromCholesky(l: Matrix): number {
  let sum = 0;
  for (let i = 0; i < l.length; i++) sum += Math.log(l[i]![i]!);
  return 2 * sum;
}

/** log|A| of a symmetric positive definite matrix. */
export function logDetSpd(a: Matrix): number {
  return logDetFromCholesky(cholesky(a));
}

/** Solves L·y = b for lower-triangular L. */
export function forwardSubstitution(l: Matrix, b: readonly number[]): number[] {
  const n = l.length;
  const y = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const row = l[i]!;
    let sum = b[i]!;
    for (let k = 0; k < i; k++) sum -= row[k]! * y[k]!;
    y[i] = sum / row[i]!;
  }
  return y;
}

/** Solves Lᵀ·x = y for lower-triangular L. */
export function backSubstitutionTransposed(l: Matrix, y: readonly number[]): number[] {
  const n = l.length;
  const x = new Array<number>(n);
  for (let i = n - 1; i >= 0; i--) {
    let sum = y[i]!;
    for (let k = i + 1; k < n; k++) sum -= l[k]![i]! * x[k]!;
    x[i] = sum / l[i]![i]!;
  }
  return x;
}

/** Solves A·x = b for symmetric positive definite A (through its Cholesky factor). */
export function solveSpd(a: Matrix, b: readonly number[]): number[] {
  const l = cholesky(a);
  return backSubstitutionTransposed(l, forwardSubstitution(l, b));
}

/** (x − mean)ᵀ·A⁻¹·(x − mean) given A's Cholesky factor L: |L⁻¹(x − mean)|². */
export function mahalanobisSquared(
  l: Matrix,
  x: readonly number[],
  mean: readonly number[],
): number {
  const z = forwardSubstitution(
    l,
    x.map((value, i) => value - mean[i]!),
  );
  let sum = 0;
  for (const value of z) sum += value * value;
  return sum;
}

/** log Σ exp(values), stable for large magnitudes; −∞ when every value is −∞ (or none given). */
export function logSumExp(values: readonly number[]): number {
  let max = -Infinity;
  for (const value of values) if (value > max) max = value;
  if (max === -Infinity) return -Infinity;
  if (max === Infinity) return Infinity;
  let sum = 0;
  for (const value of values) sum += Math.exp(value - max);
  return max + Math.log(sum);
}

/** n×n identity scaled by `scale`. */
export function scaledIdentity(n: number, scale = 1): number[][] {
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => (i === j ? scale : 0)),
  );
}
