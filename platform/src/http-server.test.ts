import { afterEach, describe, expect, it } from 'vitest';
import { listen, type ListeningServer } from './http-server.ts';
import { StartupError } from './errors.ts';

describe('listen', () => {
  const servers: ListeningServer[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close();
  });

  it('binds a free port when asked for 0 and reports its URL', async () => {
    const server = await listen((_req, res) => res.end('hi'), { host: '127.0.0.1', port: 0 });
    servers.push(server);
    expect(server.port).toBeGreaterThan(0);
    expect(await (await fetch(server.url)).text()).toBe('hi');
  });

  it('turns a taken port into a one-line StartupError', async () => {
    const first = await listen((_req, res) => res.end(), { host: '127.0.0.1', port: 0 });
    servers.push(first);
    const second = listen((_req, res) => res.end(), { host: '127.0.0.1', port: first.port });
    await expect(second).rejects.toThrow(StartupError);
    await expect(second).rejects.toThrow(
      `port ${first.port} on 127.0.0.1 is already in use (choose another with --port or PORT)`,
    );
  });
});
