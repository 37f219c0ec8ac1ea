import { homedir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { loadHmmlearnConfig } from './config.ts';

it('defaults to the venv of ensure-hmmlearn.sh under the cache directory', () => {
  expect(loadHmmlearnConfig({ HOME: '/home/u' }).python).toBe(
    '/home/u/.cache/hmmtrade/venv-hmmlearn/bin/python',
  );
  expect(loadHmmlearnConfig({ HOME: '/home/u', HMMTRADE_CACHE_DIR: '/c' }).python).toBe(
    '/c/venv-hmmlearn/bin/python',
  );
  expect(loadHmmlearnConfig({}).python).toBe(
    join(homedir(), '.cache', 'hmmtrade', 'venv-hmmlearn', 'bin', 'python'),
  );
});

it('uses HMMLEARN_PYTHON when set, and treats an empty value as unset', () => {
  expect(loadHmmlearnConfig({ HMMLEARN_PYTHON: '/opt/py/bin/python' }).python).toBe(
    '/opt/py/bin/python',
  );
  expect(loadHmmlearnConfig({ HMMLEARN_PYTHON: '', HMMTRADE_CACHE_DIR: '/c' }).python).toBe(
    '/c/venv-hmmlearn/bin/python',
  );
});
