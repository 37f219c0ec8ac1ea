import type { Entitlement } from '../reconcile/decide.ts';
import type { BotObject } from './bot-source.ts';

/** Whether billing lets a bot run. Billing (Stripe) plugs in here; until then every bot may. */
export interface Entitlements {
  check(bot: BotObject): Promise<Entitlement>;
}

/** Every bot is entitled: self-hosted and local installs, which have no billing. */
export const everyoneEntitled: Entitlements = {
  check: () => Promise.resolve({ entitled: true }),
};
