import { openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { StartupError } from '@hmmtrade/platform';

/** Exclusive ownership of a data directory by this process. */
export interface DirectoryLock {
  release(): void;
}

const LOCK_FILE = 'hmmtrade.lock';

/**
 * Takes `<dir>/hmmtrade.lock` (created exclusively, holding our pid). A lock left by a process
 * that no longer exists is taken over; a live owner makes this throw a StartupError.
 */
export function acquireDirectoryLock(dir: string): DirectoryLock {
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          rmSync(path, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new StartupError(`cannot lock data directory ${dir}: ${(error as Error).message}`, {
          cause: error,
        });
      }
      const owner = Number.parseInt(readFileSync(path, 'utf8'), 10);
      if (Number.isInteger(owner) && isAlive(owner)) {
        throw new StartupError(
          `data directory ${dir} is in use by another hmmtrade process (pid ${owner})`,
        );
      }
      rmSync(path, { force: true });
    }
  }
  throw new StartupError(`cannot lock data directory ${dir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
