/**
 * A rows×cols matrix of doubles in one row-major Float64Array: entry (r, c) is
 * values[r·cols + c]. The EM's hot loops run over these rather than arrays of rows, so they
 * stay monomorphic and allocate nothing.
 */
export interface DenseMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly values: Float64Array;
}

export function zeroMatrix(rows: number, cols: number): DenseMatrix {
  return { rows, cols, values: new Float64Array(rows * cols) };
}

/** Copies equally long rows into one matrix. */
export function fromRows(rows: readonly (readonly number[])[]): DenseMatrix {
  const cols = rows[0]?.length ?? 0;
  const matrix = zeroMatrix(rows.length, cols);
  rows.forEach((row, r) => matrix.values.set(row, r * cols));
  return matrix;
}

/** The rows as plain arrays. */
export function toRows(matrix: DenseMatrix): number[][] {
  const { rows, cols, values } = matrix;
  return Array.from({ length: rows }, (_, r) =>
    Array.from(values.subarray(r * cols, (r + 1) * cols)),
  );
}
