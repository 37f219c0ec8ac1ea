import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listen } from '@hmmtrade/platform';
import { createKeyStore, type KeyStore } from './key-store.ts';
import { createKmsOperations } from './kms-operations.ts';
import { KmsSimError, kmsErrors } from './kms-sim-errors.ts';
import type { SimInput } from './sim-input.ts';

/** How to start a simulator. */
export interface KmsSimOptions {
  /** Address to listen on; default `127.0.0.1`. */
  host?: string;
  /** Port to listen on; default 0 (any free port). */
  port?: number;
  /** Region in key ARNs and the SigV4 credential scope the sim accepts; default `us-east-1`. */
  region?: string;
  /** Account id in key ARNs; default `111122223333`. */
  accountId?: string;
  /** Keys to create at start, each with an optional alias (`alias/name`). */
  keys?: { alias?: string }[];
}

/** A running simulator. */
export interface KmsSim {
  /** Base URL: pass as `endpoint` to `new KMSClient({ endpoint, region, credentials })`. */
  readonly url: string;
  readonly region: string;
  readonly accountId: string;
  /** ARNs of the keys created from `options.keys`, in order. */
  readonly keys: readonly string[];
  /**
   * The outage switch. While down, every KMS call answers HTTP 503 with `__type`
   * `KMSInternalException`: the SDK raises `KMSInternalException`, classifies it as a transient
   * server fault and retries it up to `maxAttempts`. The admin endpoints keep answering.
   */
  setDown(down: boolean): void;
  /** Creates an enabled symmetric key (with `alias` if given) and returns its ARN. */
  createKey(alias?: string): Promise<string>;
  /** Requests received per operation (every request with a target, failed ones included). */
  calls(): Record<string, number>;
  /** Stops listening and drops open connections. Safe to call twice. */
  stop(): Promise<void>;
}

const TARGET_PREFIX = 'TrentService.';
const JSON_11 = 'application/x-amz-json-1.1';
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Starts an AWS KMS stand-in speaking the JSON 1.1 protocol on `POST /`, plus two admin
 * endpoints for other processes: `POST /admin/down` with `{"down": boolean}` and
 * `GET /admin/calls`. The SigV4 `Authorization` header is required and its credential scope
 * must name the sim's region and `kms`, but the signature itself is not verified.
 */
export async function startKmsSim(options: KmsSimOptions = {}): Promise<KmsSim> {
  const region = options.region ?? 'us-east-1';
  const store = createKeyStore(region, options.accountId ?? '111122223333');
  const operations = createKmsOperations(store);
  const callCounts = new Map<string, number>();
  let down = false;

  const keys = (options.keys ?? []).map(({ alias }) => addKey(store, alias));

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    readBody(req)
      .then((body) => {
        const url = new URL(req.url ?? '/', 'http://kms-sim');
        if (url.pathname.startsWith('/admin/')) {
          handleAdmin(req.method, url.pathname, body, res);
          return;
        }
        const operation = targetOperation(req);
        if (operation !== undefined) {
          callCounts.set(operation, (callCounts.get(operation) ?? 0) + 1);
        }
        if (down) throw kmsErrors.outage();
        if (req.method !== 'POST' || url.pathname !== '/') {
          throw kmsErrors.unknownOperation(
            `kms-sim answers POST / only, not ${req.method} ${url.pathname}`,
          );
        }
        checkAuthorization(req.headers.authorization, region);
        const run = operation === undefined ? undefined : operations[operation];
        if (!run) throw kmsErrors.unknownOperation('X-Amz-Target names no supported KMS operation');
        if (!(req.headers['content-type'] ?? '').startsWith(JSON_11)) {
          throw kmsErrors.serialization(`Content-Type must be ${JSON_11}`);
        }
        sendJson(res, 200, run(parseInput(body)));
      })
      .catch((error: unknown) => {
        const simError =
          error instanceof KmsSimError ? error : kmsErrors.internal('kms-sim internal error');
        sendJson(
          res,
          simError.status,
          { __type: simError.type, message: simError.message },
          simError.type,
        );
      });
  };

  const handleAdmin = (
    method: string | undefined,
    path: string,
    body: Buffer,
    res: ServerResponse,
  ): void => {
    if (method === 'POST' && path === '/admin/down') {
      const parsed = safeJson(body) as { down?: unknown } | undefined;
      if (typeof parsed?.down !== 'boolean') {
        sendAdmin(res, 400, { error: 'body must be {"down": boolean}' });
        return;
      }
      down = parsed.down;
      sendAdmin(res, 200, { down });
    } else if (method === 'GET' && path === '/admin/calls') {
      sendAdmin(res, 200, Object.fromEntries(callCounts));
    } else {
      sendAdmin(res, 404, { error: `no admin endpoint ${method ?? ''} ${path}` });
    }
  };

  const server = await listen(handler, {
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
  });
  let stopping: Promise<void> | undefined;

  return {
    url: server.url,
    region,
    accountId: store.accountId,
    keys,
    setDown(value) {
      down = value;
    },
    createKey: (alias) => new Promise((resolve) => resolve(addKey(store, alias))),
    calls: () => Object.fromEntries(callCounts),
    stop() {
      stopping ??= server.close();
      return stopping;
    },
  };
}

function addKey(store: KeyStore, alias: string | undefined): string {
  const key = store.create();
  if (alias !== undefined) store.createAlias(alias, key.keyId);
  return key.arn;
}

function targetOperation(req: IncomingMessage): string | undefined {
  const target = req.headers['x-amz-target'];
  if (typeof target !== 'string' || !target.startsWith(TARGET_PREFIX)) return undefined;
  return target.slice(TARGET_PREFIX.length);
}

/** AWS's answers to a missing, malformed or wrongly scoped SigV4 `Authorization` header. */
function checkAuthorization(header: string | undefined, region: string): void {
  if (header === undefined || header === '') throw kmsErrors.missingAuthentication();
  const scope =
    /^AWS4-HMAC-SHA256 Credential=[^/,\s]+\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request,/.exec(header);
  if (!scope || !header.includes('SignedHeaders=') || !header.includes('Signature=')) {
    throw kmsErrors.incompleteSignature(
      'Authorization header requires Credential, SignedHeaders and Signature (AWS4-HMAC-SHA256).',
    );
  }
  if (scope[2] !== region || scope[3] !== 'kms') {
    throw new KmsSimError(
      'InvalidSignatureException',
      400,
      `Credential should be scoped to a valid region and service: expected ${region}/kms`,
    );
  }
}

function parseInput(body: Buffer): SimInput {
  if (body.length === 0) return {};
  const parsed = safeJson(body);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw kmsErrors.serialization('The request body must be a JSON object');
  }
  return parsed as SimInput;
}

function safeJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) reject(kmsErrors.validation('The request body is too large'));
      else resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown, errorType?: string): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': JSON_11,
    'content-length': Buffer.byteLength(payload),
    'x-amzn-requestid': randomUUID(),
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  res.end(payload);
}

function sendAdmin(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
