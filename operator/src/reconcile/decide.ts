import type { TradingBotSpec } from '@hmmtrade/crds';
import type { MarketCalendar } from './market-calendar.ts';

/** The effective target for a bot's instance. */
export type Target =
  | { kind: 'running' }
  | { kind: 'sleeping'; until: Date }
  | { kind: 'stopped' }
  | { kind: 'absent' };

/** Why the target is what it is; `reason` is a CamelCase condition reason. */
export type TargetReason = 'Running' | 'MarketClosed' | 'Suspended' | 'NotEntitled' | 'Deleting';

/** Whether billing lets the owner run this bot. */
export interface Entitlement {
  entitled: boolean;
  /** When not entitled: a CamelCase reason (NotEntitled, PlanLimitExceeded) and a message. */
  reason?: 'NotEntitled' | 'PlanLimitExceeded';
  message?: string;
}

/** Everything decide() looks at. `spec` is absent when the bot is being deleted. */
export interface DecideInput {
  spec: TradingBotSpec | null;
  deleted: boolean;
  entitlement: Entitlement;
  now: Date;
  calendar: MarketCalendar;
}

/** A target with the reason and a deterministic message for the conditions. */
export interface Decision {
  target: Target;
  reason: TargetReason;
  message: string;
}

/**
 * desired spec + entitlement + schedule + now → the target. Precedence: deletion, then billing,
 * then the user's suspend switch, then the market-hours schedule.
 */
export function decide(input: DecideInput): Decision {
  if (input.deleted || !input.spec) {
    return { target: { kind: 'absent' }, reason: 'Deleting', message: 'bot is being deleted' };
  }
  if (!input.entitlement.entitled) {
    return {
      target: { kind: 'stopped' },
      reason: 'NotEntitled',
      message: input.entitlement.message ?? 'the plan does not allow this bot to run',
    };
  }
  if (input.spec.suspend) {
    return { target: { kind: 'stopped' }, reason: 'Suspended', message: 'spec.suspend is true' };
  }
  if (input.spec.runtime.schedule === 'market-hours' && !input.calendar.isOpen(input.now)) {
    const until = input.calendar.nextOpen(input.now);
    return {
      target: { kind: 'sleeping', until },
      reason: 'MarketClosed',
      message: `market closed; sleeping until ${until.toISOString()}`,
    };
  }
  return { target: { kind: 'running' }, reason: 'Running', message: 'bot should be running' };
}
