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
  const y = [...b];
  forwardSubstituteInPlace(l, y);
  return y;
}

/** Overwrites b (length ≥ n) with the solution y of L·y = b; allocates nothing. */
function forwardSubstituteInPlace(l: Matrix, b: Float64Array | number[]): void {
  for (let i = 0; i < l.length; i++) {
    const row = l[i]!;
    let sum = b[i]!;
    for (let k = 0; k < i; k++) sum -= row[k]! * b[k]!;
    b[i] = sum / row[i]!;
  }
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

/**
 * (x − mean)ᵀ·A⁻¹·(x − mean) given A's Cholesky factor L: |L⁻¹(x − mean)|², with x read from
 * x[offset..offset+n). L⁻¹(x − mean) goes to `scratch` (length ≥ n), so that a caller looping
 * over many observations can pass one buffer and allocate nothing.
 */
export function mahalanobisSquared(
  l: Matrix,
  x: ArrayLike<number>,
  mean: readonly number[],
  offset = 0,
  scratch: Float64Array = new Float64Array(l.length),
): number {
  const n = l.length;
  for (let i = 0; i < n; i++) scratch[i] = x[offset + i]! - mean[i]!;
  forwardSubstituteInPlace(l, scratch);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += scratch[i]! * scratch[i]!;
  return sum;
}

/** n×n identity scaled by `scale`. */
export function scaledIdentity(n: number, scale = 1): number[][] {
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => (i === j ? scale : 0)),
  );
}
