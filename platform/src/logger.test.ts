import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      callback();
    },
  });
  return { lines, destination };
}

describe('createLogger', () => {
  it('binds the component and writes JSON lines', () => {
    const { lines, destination } = capture();
    createLogger({ component: 'operator', destination }).child({ bot_id: 'b1' }).info('reconciled');
    const [line] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(line).toMatchObject({
      component: 'operator',
      bot_id: 'b1',
      msg: 'reconciled',
      level: 30,
    });
  });

  it('never writes a secret field, at the top level or nested', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ component: 'api', destination });
    const secrets = {
      password: 'hunter2-password',
      token: 'tok-abcdef123456',
      apiSecret: 'alpaca-secret-xyz',
      authorization: 'Bearer eyJhbGciOi-secret',
      databaseUrl: 'postgres://u:pw-in-url@db/x',
    };
    logger.info({ ...secrets, user: 'ana' }, 'signup');
    logger.info(
      { request: { headers: { cookie: 'sid=cookie-secret' } }, connection: secrets },
      'nested',
    );
    logger.info({ req: { headers: { authorization: 'Bearer header-secret' } } }, 'http');

    const output = lines.join('\n');
    for (const secret of [...Object.values(secrets), 'cookie-secret', 'header-secret']) {
      expect(output).not.toContain(secret);
    }
    expect(output).toContain('[redacted]');
    expect(output).toContain('"user":"ana"');
  });
});
