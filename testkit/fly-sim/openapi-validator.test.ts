import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createOpenApiValidator } from './openapi-validator.ts';

const validator = createOpenApiValidator();
const machines = '/v1/apps/my-app/machines';

describe('createOpenApiValidator', () => {
  it('fails with a message saying where the spec belongs when it is missing', () => {
    expect(() => createOpenApiValidator(join(import.meta.dirname, 'missing.json'))).toThrow(
      /not found at .*missing\.json.*shared\/specs/,
    );
  });

  it('accepts a conforming request body and names the field of a bad one', () => {
    const good = validator.validateRequest('POST', machines, {
      name: 'bot',
      config: { image: 'img:1', guest: { cpus: 1, memory_mb: 256 }, metadata: { k: 'v' } },
    });
    expect(good).toEqual({ ok: true, operationId: 'Machines_create', errors: [] });
    const bad = validator.validateRequest('POST', machines, {
      config: { image: 'img:1', guest: { cpus: '1' }, stop_config: { signal: 'SIGSTOP' } },
    });
    expect(bad.ok).toBe(false);
    expect(bad.errors).toEqual(
      expect.arrayContaining([
        'body.config.guest.cpus: must be integer',
        expect.stringContaining(
          'body.config.stop_config.signal: must be equal to one of the allowed values',
        ),
      ]),
    );
  });

  it('checks query parameters: types, enums, metadata.{key} and unknown names', () => {
    const wait = `${machines}/abc/wait`;
    expect(validator.validateRequest('GET', `${wait}?state=stopped&timeout=30`).ok).toBe(true);
    expect(validator.validateRequest('GET', `${wait}?state=started,stopped`).ok).toBe(true);
    expect(validator.validateRequest('GET', `${wait}?state=running`).errors[0]).toContain(
      'query state',
    );
    expect(validator.validateRequest('GET', `${wait}?timeout=10s`).errors[0]).toContain(
      'must be integer',
    );
    expect(
      validator.validateRequest('GET', `${machines}?metadata.bot=1&include_deleted=true`).ok,
    ).toBe(true);
    expect(validator.validateRequest('GET', `${machines}?bogus=1`).errors).toEqual([
      'query bogus: not a parameter of GET /v1/apps/{app_name}/machines',
    ]);
    expect(validator.validateRequest('GET', '/v1/apps').errors).toEqual([
      'query org_slug: required by GET /v1/apps',
    ]);
  });

  it('checks required headers and bodies an operation does not take', () => {
    const lease = `${machines}/abc/lease`;
    expect(validator.validateRequest('DELETE', lease, undefined, {}).errors).toEqual([
      'header fly-machine-lease-nonce: required by DELETE /v1/apps/{app_name}/machines/{machine_id}/lease',
    ]);
    expect(
      validator.validateRequest('DELETE', lease, undefined, { 'Fly-Machine-Lease-Nonce': 'n' }).ok,
    ).toBe(true);
    expect(validator.validateRequest('POST', `${machines}/abc/start`, {}).errors).toEqual([
      expect.stringContaining('takes no request body'),
    ]);
    expect(validator.validateRequest('POST', machines).errors).toEqual([
      expect.stringContaining('body: required'),
    ]);
  });

  it('validates responses by status, errors against ErrorResponse, and flags undocumented successes', () => {
    const url = `http://127.0.0.1:1/v1/apps/my-app/machines/abc`;
    expect(
      validator.validateResponse('GET', url, 200, {
        id: 'abc',
        state: 'started',
        config: { image: 'x' },
      }).ok,
    ).toBe(true);
    expect(validator.validateResponse('GET', url, 200, { id: 7 }).errors).toEqual([
      '200 body.id: must be string',
    ]);
    expect(validator.validateResponse('GET', url, 404, { error: 'machine not found' }).ok).toBe(
      true,
    );
    expect(validator.validateResponse('GET', url, 404, { error: 404 }).ok).toBe(false);
    expect(validator.validateResponse('GET', url, 201, {}).errors[0]).toContain(
      'status 201 is not a response',
    );
    expect(validator.validateResponse('POST', `${url}/start`, 200, { anything: true }).ok).toBe(
      true,
    );
    expect(validator.validateResponse('GET', url, 200, undefined).ok).toBe(false);
  });

  it('reports a path that is not in the spec', () => {
    expect(validator.validateResponse('GET', '/v2/things', 200, {})).toEqual({
      ok: false,
      operationId: null,
      errors: ['GET /v2/things is not an operation of the spec'],
    });
    expect(validator.validateRequest('PATCH', machines).ok).toBe(false);
  });
});
