import { expect, it } from 'vitest';
import { createSeededRng } from './seeded-rng.ts';

it('repeats its sequence for the same seed and differs for another seed', () => {
  const draw = (seed: number) => {
    const rng = createSeededRng(seed);
    return Array.from({ length: 5 }, () => [rng.uniform(), rng.normal(), rng.integer(10)]);
  };
  expect(draw(42)).toEqual(draw(42));
  expect(draw(42)).not.toEqual(draw(43));
});

it('draws uniforms in [0, 1), integers in [0, n) and standard normals', () => {
  const rng = createSeededRng(1);
  const uniforms = Array.from({ length: 20_000 }, () => rng.uniform());
  expect(uniforms.every((u) => u >= 0 && u < 1)).toBe(true);
  const integers = Array.from({ length: 1_000 }, () => rng.integer(3));
  expect(new Set(integers)).toEqual(new Set([0, 1, 2]));
  const normals = Array.from({ length: 20_000 }, () => rng.normal());
  const mean = normals.reduce((a, b) => a + b, 0) / normals.length;
  const variance = normals.reduce((a, b) => a + (b - mean) ** 2, 0) / normals.length;
  expect(Math.abs(mean)).toBeLessThan(0.03);
  expect(Math.abs(variance - 1)).toBeLessThan(0.05);
});
