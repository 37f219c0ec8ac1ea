import { describe, expect, it } from 'vitest';
import { BackendUnavailableError, StalledError, TransientError } from '../../reconcile/errors.ts';
import { KubeApiError, KubeNetworkError } from '../../kube-client/kube-errors.ts';
import { kubeError } from './kube-errors.ts';

const apiError = (code: number, reason: string, message: string) =>
  new KubeApiError('POST /api/v1/namespaces/ns/pods', { code, reason, message });

describe('kubeError', () => {
  const table = [
    { code: 409, reason: 'Conflict', want: TransientError, not: BackendUnavailableError },
    { code: 404, reason: 'NotFound', want: TransientError, not: BackendUnavailableError },
    { code: 429, reason: 'TooManyRequests', want: BackendUnavailableError },
    { code: 500, reason: 'InternalError', want: BackendUnavailableError },
    { code: 503, reason: 'ServiceUnavailable', want: BackendUnavailableError },
    { code: 401, reason: 'Unauthorized', want: BackendUnavailableError },
    { code: 400, reason: 'BadRequest', want: StalledError },
    { code: 422, reason: 'Invalid', want: StalledError },
    { code: 403, reason: 'Forbidden', want: StalledError },
  ];
  for (const row of table) {
    it(`maps ${String(row.code)} ${row.reason}`, () => {
      const mapped = kubeError('create pod p', apiError(row.code, row.reason, 'the reason'));
      expect(mapped).toBeInstanceOf(row.want);
      if (row.not) expect(mapped).not.toBeInstanceOf(row.not);
      expect(mapped.message).toContain('kubernetes: create pod p: the reason');
    });
  }

  it('maps no answer to BackendUnavailableError, anything else to TransientError', () => {
    const network = new KubeNetworkError('GET /api/v1/namespaces: connect ECONNREFUSED');
    expect(kubeError('read pod p', network)).toBeInstanceOf(BackendUnavailableError);
    const other = kubeError('read pod p', new Error('boom'));
    expect(other).toBeInstanceOf(TransientError);
    expect(other).not.toBeInstanceOf(BackendUnavailableError);
  });

  it('keeps a reconcile error as it is', () => {
    const stalled = new StalledError('x');
    expect(kubeError('read pod p', stalled)).toBe(stalled);
  });
});
