import type { Insertable, Selectable } from 'kysely';
import type { Json, NullableTimestamp, Timestamp } from './column-types.ts';

/** A received Stripe webhook event, keyed by Stripe's id so redelivery is a no-op. */
export interface StripeEventsTable {
  id: string;
  type: string;
  payload: Json<Record<string, unknown>>;
  received_at: Timestamp;
  processed_at: NullableTimestamp;
}

export type StripeEvent = Selectable<StripeEventsTable>;
export type NewStripeEvent = Insertable<StripeEventsTable>;
