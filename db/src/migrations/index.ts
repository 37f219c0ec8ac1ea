import type { Migration } from 'kysely/migration';
import { downInitial, upInitial } from './0001-initial.ts';
import { downOperatorLeases, upOperatorLeases } from './0002-operator-leases.ts';

/**
 * Every migration, in order. Names sort lexically; append only. Listed statically (not read
 * from disk) so the same set runs from source, from a bundle and in tests.
 */
export const migrations: Record<string, Migration> = {
  '0001-initial': { up: upInitial, down: downInitial },
  '0002-operator-leases': { up: upOperatorLeases, down: downOperatorLeases },
};
