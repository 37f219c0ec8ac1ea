import type { Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { NullableTimestamp, Timestamp } from './column-types.ts';

/** Stripe subscription states, as Stripe names them. */
export type SubscriptionStatus =
  | 'trialing'
  | 'active'
  | 'past_due'
  | 'canceled'
  | 'unpaid'
  | 'incomplete'
  | 'incomplete_expired'
  | 'paused';

/** A user's plan, mirrored from Stripe webhooks; one row per user. */
export interface SubscriptionsTable {
  id: Generated<string>;
  user_id: string;
  plan: string;
  status: SubscriptionStatus;
  stripe_customer_id: string | null;
  stripe_subscription_id: string | null;
  current_period_end: NullableTimestamp;
  trial_end: NullableTimestamp;
  cancel_at_period_end: Generated<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type Subscription = Selectable<SubscriptionsTable>;
export type NewSubscription = Insertable<SubscriptionsTable>;
export type SubscriptionUpdate = Updateable<SubscriptionsTable>;
