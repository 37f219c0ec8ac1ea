import type { z } from 'zod';

import { humanErrorMap } from './issue-messages.ts';
import { tradingBotSpecSchema } from './spec.schema.ts';
import type { TradingBotSpec } from './spec.schema.ts';
import { tradingBotSchema } from './trading-bot.schema.ts';
import type { TradingBot } from './trading-bot.schema.ts';

/** One problem found while validating a TradingBot or its spec. */
export interface ValidationIssue {
  /** Where, from the resource root: `spec.profile.risk.maxPositionPct`, `spec.profile.symbols[0]`. */
  readonly path: string;
  /** Why, as a short human reason: `must be at most 1`, `Required`. */
  readonly message: string;
}

/** Outcome of validating a spec: the parsed spec (defaults applied) or every issue found. */
export type SpecValidationResult =
  | { readonly ok: true; readonly spec: TradingBotSpec }
  | { readonly ok: false; readonly issues: readonly ValidationIssue[] };

/** Outcome of validating a whole TradingBot object. */
export type TradingBotValidationResult =
  | { readonly ok: true; readonly bot: TradingBot }
  | { readonly ok: false; readonly issues: readonly ValidationIssue[] };

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Renders a zod path as `spec.profile.symbols[0]` or `metadata.labels["hmmtrade.io/bot-id"]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'string' && IDENTIFIER.test(segment)) {
      out += out === '' ? segment : `.${segment}`;
    } else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out === '' ? '(root)' : out;
}

function toIssues(
  zodIssues: readonly z.core.$ZodIssue[],
  root: readonly PropertyKey[],
): ValidationIssue[] {
  return zodIssues.flatMap((issue): ValidationIssue[] => {
    const path = [...root, ...issue.path];
    switch (issue.code) {
      case 'unrecognized_keys':
        return issue.keys.map((key) => ({
          path: formatPath([...path, key]),
          message: issue.message,
        }));
      case 'invalid_key':
        return issue.issues.map((inner) => ({
          path: formatPath(path),
          message: `key ${inner.message}`,
        }));
      default:
        return [{ path: formatPath(path), message: issue.message }];
    }
  });
}

/** Parses a TradingBot spec, applying defaults; issue paths start at `spec`. */
export function validateTradingBotSpec(input: unknown): SpecValidationResult {
  const result = tradingBotSpecSchema.safeParse(input, { error: humanErrorMap });
  return result.success
    ? { ok: true, spec: result.data }
    : { ok: false, issues: toIssues(result.error.issues, ['spec']) };
}

/** Parses a whole TradingBot object, applying spec defaults; issue paths start at the root. */
export function validateTradingBot(input: unknown): TradingBotValidationResult {
  const result = tradingBotSchema.safeParse(input, { error: humanErrorMap });
  return result.success
    ? { ok: true, bot: result.data }
    : { ok: false, issues: toIssues(result.error.issues, []) };
}

/** Joins issues into one line: `spec.mode: must be one of: paper, live; spec.broker: Required`. */
export function formatIssues(issues: readonly ValidationIssue[]): string {
  return issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
}
