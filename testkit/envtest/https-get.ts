import { request } from 'node:https';

/** Answer of one HTTPS GET. */
export interface HttpsAnswer {
  readonly status: number;
  readonly body: string;
}

/** GET `url` trusting only `ca`, with a bearer token when one is given. */
export function httpsGet(
  url: string,
  options: { ca: string; token?: string; timeoutMs?: number },
): Promise<HttpsAnswer> {
  const headers: Record<string, string> =
    options.token === undefined ? {} : { authorization: `Bearer ${options.token}` };
  return new Promise((resolve, reject) => {
    const req = request(url, { ca: options.ca, headers, timeout: options.timeoutMs ?? 5_000 });
    req.once('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.once('error', reject);
    req.once('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.once('error', reject);
      res.once('end', () => {
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    req.end();
  });
}
