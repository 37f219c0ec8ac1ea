import { TransientError } from '../reconcile/errors.ts';

/** A fenced write was refused: another operator holds a newer epoch. Stop mutating. */
export class LostLeadershipError extends TransientError {}
