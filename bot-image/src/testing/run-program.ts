import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root, where the image's programs and `hmmtrade` run from in these tests. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface ProgramRun {
  code: number | null;
  stdout: string[];
  stderr: string[];
}

/**
 * Runs `command args` in the repository root with exactly `env` and collects its output lines.
 * With `stopWhen`, the program gets SIGTERM once a stdout line matches it.
 */
export function runProgram(
  command: string,
  args: readonly string[],
  env: Record<string, string>,
  stopWhen?: RegExp,
): Promise<ProgramRun> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const output = { stdout: '', stderr: '' };
    let stopping = false;
    child.stdout.on('data', (chunk: Buffer) => {
      output.stdout += chunk.toString();
      if (!stopping && stopWhen?.test(output.stdout)) stopping = child.kill('SIGTERM');
    });
    child.stderr.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
    child.once('close', (code) => {
      const lines = (text: string) => text.split('\n').filter(Boolean);
      resolve({ code, stdout: lines(output.stdout), stderr: lines(output.stderr) });
    });
  });
}
