import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseEnv } from './env-config.ts';
import { portNumber, postgresUrl } from './env-schemas.ts';
import { ConfigError } from './errors.ts';

const schema = z.object({
  DATABASE_URL: postgresUrl.optional(),
  PORT: portNumber.default(8080),
});

describe('parseEnv', () => {
  it('parses, applies defaults and freezes', () => {
    const config = parseEnv(schema, { DATABASE_URL: 'postgres://h:5432/db', PORT: '9000' });
    expect(config).toEqual({ DATABASE_URL: 'postgres://h:5432/db', PORT: 9000 });
    expect(Object.isFrozen(config)).toBe(true);
    expect(parseEnv(schema, {}).PORT).toBe(8080);
  });

  it.each([
    [
      { DATABASE_URL: 'mysql://h/db' },
      'DATABASE_URL: must be a postgres:// or postgresql:// URL with a host',
    ],
    [
      { DATABASE_URL: 'not a url' },
      'DATABASE_URL: must be a postgres:// or postgresql:// URL with a host',
    ],
    [{ PORT: 'eighty' }, 'PORT: must be a number'],
    [{ PORT: '70000' }, 'PORT: must be between 0 and 65535'],
    [{ PORT: '80.5' }, 'PORT: must be a whole number'],
  ])('names the variable and the reason for %j', (env, message) => {
    expect(() => parseEnv(schema, env)).toThrow(ConfigError);
    expect(() => parseEnv(schema, env)).toThrow(`invalid configuration: ${message}`);
  });

  it('never echoes a rejected value, which may hold a password', () => {
    const env = { DATABASE_URL: 'mysql://admin:pa55word@h/db' };
    expect(() => parseEnv(schema, env)).toThrow(/^(?!.*pa55word)/);
  });
});
