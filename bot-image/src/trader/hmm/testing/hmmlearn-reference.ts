import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { z } from 'zod';
import type { HmmParams } from '../hmm-params.ts';

const SCRIPT = fileURLToPath(new URL('../../../../scripts/hmmlearn_reference.py', import.meta.url));

/** The exact hmmlearn the parity tolerances were measured against. */
export const PINNED_HMMLEARN_VERSION = '0.3.3';

export const HMMLEARN_MISSING =
  'hmmlearn venv missing: run bash bot-image/scripts/ensure-hmmlearn.sh';

/** One data set and starting point for hmmlearn to score, filter, decode and fit. */
export interface ReferenceCase {
  name: string;
  observations: number[][];
  init: HmmParams;
  maxIterations: number;
  tolerance: number;
  minCovar: number;
  covarsPrior: number;
}

const matrix = z.array(z.array(z.number()));
const caseResultSchema = z.object({
  name: z.string(),
  score: z.number(),
  bic: z.number(),
  frameLogLikelihood: matrix,
  filtered: matrix,
  smoothed: matrix,
  viterbi: z.object({ logProbability: z.number(), path: z.array(z.number().int()) }),
  fit: z.object({
    startProb: z.array(z.number()),
    transmat: matrix,
    means: matrix,
    covars: z.union([matrix, z.array(matrix)]),
    history: z.array(z.number()),
    iterations: z.number().int(),
    score: z.number(),
    filtered: matrix,
  }),
});
const responseSchema = z.object({
  versions: z.record(z.string(), z.string()),
  cases: z.array(caseResultSchema),
});

/** What hmmlearn computed for one case (see bot-image/scripts/hmmlearn_reference.py). */
export type ReferenceCaseResult = z.infer<typeof caseResultSchema>;
/** hmmlearn's answers plus the versions of Python and its packages that gave them. */
export type ReferenceResponse = z.infer<typeof responseSchema>;

/**
 * Runs bot-image/scripts/hmmlearn_reference.py under `python` on `cases` (through a temporary
 * JSON file). Throws HMMLEARN_MISSING when the interpreter is absent or cannot import hmmlearn.
 */
export async function runHmmlearnReference(
  python: string,
  cases: readonly ReferenceCase[],
): Promise<ReferenceResponse> {
  if (!existsSync(python)) throw new Error(`${HMMLEARN_MISSING} (no ${python})`);
  const dir = await mkdtemp(join(tmpdir(), 'hmmlearn-parity-'));
  try {
    const input = join(dir, 'input.json');
    const output = join(dir, 'output.json');
    const request = cases.map(({ init, ...rest }) => ({
      ...rest,
      covariance: init.covariance,
      init,
    }));
    await writeFile(input, JSON.stringify({ cases: request }));
    try {
      await promisify(execFile)(python, [SCRIPT, input, output], {
        timeout: 120_000,
        maxBuffer: 16 * 1024 * 1024,
      });
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr ?? '';
      const hint = /ModuleNotFoundError/.test(stderr) ? `${HMMLEARN_MISSING}; ` : '';
      throw new Error(`${hint}hmmlearn_reference.py failed: ${stderr.trim()}`, { cause: error });
    }
    return responseSchema.parse(JSON.parse(await readFile(output, 'utf8')));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
