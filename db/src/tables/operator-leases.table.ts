import type { Generated, Selectable } from 'kysely';
import type { NullableTimestamp } from './column-types.ts';

/** One row per elected role (`operator`): the fencing epoch and who holds it. */
export interface OperatorLeasesTable {
  name: string;
  epoch: Generated<number>;
  holder: string | null;
  acquired_at: NullableTimestamp;
}

export type OperatorLease = Selectable<OperatorLeasesTable>;
