import type { ManagedProcess } from './processes.ts';

/** The `[-]check failed` lines of a /readyz?verbose-style answer, or the whole answer. */
export function failedChecks(body: string): string {
  const failed = body.split('\n').filter((line) => line.startsWith('[-]'));
  return failed.length > 0 ? failed.join('; ') : body.trim();
}

/**
 * Polls `probe` every 100 ms until it resolves; it throws while not ready. Fails with the
 * process's last output lines if the process exits or the deadline passes.
 */
export async function waitUntil(
  proc: ManagedProcess,
  deadline: number,
  probe: () => Promise<void>,
): Promise<void> {
  for (;;) {
    const status = proc.exitStatus();
    if (status !== undefined) {
      throw new Error(`${proc.name} exited (${status}) while starting:\n${proc.lastLines()}`);
    }
    try {
      await probe();
      return;
    } catch (error) {
      if (Date.now() > deadline) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new Error(
          `${proc.name} not ready in time (last probe: ${reason}); its last output:\n` +
            proc.lastLines(),
          { cause: error },
        );
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
