import { randomBytes } from 'node:crypto';
import type { Request } from 'express';
import type { SimContext } from './route-helpers.ts';
import { SimHttpError } from './sim-errors.ts';
import type { SimLease, SimMachine } from './sim-store.ts';

/** The header that carries a lease nonce. */
export const LEASE_NONCE_HEADER = 'fly-machine-lease-nonce';

/** Lease length when the request gives no ttl. */
const DEFAULT_LEASE_TTL_SECONDS = 30;

/** The machine's unexpired lease, or null (an expired one is dropped). */
export function activeLease(ctx: SimContext, m: SimMachine): SimLease | null {
  if (m.lease && m.lease.expiresAtMs <= ctx.now()) m.lease = null;
  return m.lease;
}

/** The nonce the request carries, or undefined. */
export function requestNonce(req: Request): string | undefined {
  const value = req.get(LEASE_NONCE_HEADER);
  return value === undefined || value === '' ? undefined : value;
}

/** 409 unless the machine is unleased or the request carries its lease's nonce. */
export function requireLeaseNonce(ctx: SimContext, m: SimMachine, req: Request): void {
  const lease = activeLease(ctx, m);
  if (!lease || requestNonce(req) === lease.nonce) return;
  throw leaseConflict(m, lease);
}

/** 409: someone else holds the lease. */
export function leaseConflict(m: SimMachine, lease: SimLease): SimHttpError {
  const until = new Date(lease.expiresAtMs).toISOString();
  return new SimHttpError(
    409,
    `machine ${m.id} is currently leased by ${lease.owner} until ${until}; send its nonce in the ${LEASE_NONCE_HEADER} header`,
  );
}

/** Creates a lease (or refreshes one, same nonce) lasting `ttlSeconds` (0/absent: default). */
export function grantLease(
  ctx: SimContext,
  m: SimMachine,
  input: { ttlSeconds?: number | undefined; description?: string | undefined; nonce?: string },
): SimLease {
  const ttl =
    input.ttlSeconds && input.ttlSeconds > 0 ? input.ttlSeconds : DEFAULT_LEASE_TTL_SECONDS;
  const lease: SimLease = {
    nonce: input.nonce ?? randomBytes(16).toString('hex'),
    owner: ctx.leaseOwner,
    description: input.description ?? m.lease?.description ?? '',
    expiresAtMs: ctx.now() + ttl * 1000,
    version: m.version,
  };
  m.lease = lease;
  return lease;
}
