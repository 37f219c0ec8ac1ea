import type { z } from 'zod';

/** Objects of the spec that carry cross-field rules, as dotted paths from the resource root. */
export type RuleScope = 'spec' | 'spec.broker' | 'spec.profile.hmm' | 'spec.profile.risk';

/**
 * A rule spanning several fields, defined once and enforced twice: by the zod schema of its scope
 * object and, through `cel`, by the Kubernetes apiserver (`x-kubernetes-validations` on the same
 * object of the CRD schema). `check` and `cel` must mean the same thing.
 */
export interface CrossFieldRule<Self> {
  /** Stable identifier, for tests and docs. */
  readonly id: string;
  /** The object the rule is attached to; `self` in `check` and `cel` is that object. */
  readonly scope: RuleScope;
  /** Field the violation is reported on, dotted and relative to `scope`; '' for the object. */
  readonly field: string;
  /** Human reason shown after the field path, e.g. `must be at most maxStates`. */
  readonly message: string;
  /** True when `self` satisfies the rule. Runs only on an object whose own fields are valid. */
  readonly check: (self: Self) => boolean;
  /**
   * CEL expression over `self`, true when the rule holds. Every field that may be absent in a
   * manifest (optional or defaulted) is guarded with `has()`: the apiserver also evaluates rules
   * against a parent's `default: {}` before nested defaults are filled in.
   */
  readonly cel: string;
}

interface SpecSelf {
  readonly mode: string;
  readonly broker: { readonly kind: string };
  readonly profile: { readonly assetClass: string };
  readonly runtime: { readonly schedule: string };
}

interface BrokerSelf {
  readonly kind: string;
  readonly secretRef?: object | undefined;
  readonly connectionId?: string | undefined;
}

interface HmmSelf {
  readonly minStates: number;
  readonly maxStates: number;
}

interface RiskSelf {
  readonly maxPositionPct: number;
  readonly maxExposurePct: number;
}

export const specRules: readonly CrossFieldRule<SpecSelf>[] = [
  {
    id: 'live-needs-alpaca',
    scope: 'spec',
    field: 'mode',
    message: 'live mode requires broker kind alpaca',
    check: (spec) => spec.mode !== 'live' || spec.broker.kind === 'alpaca',
    cel: "!has(self.mode) || self.mode != 'live' || self.broker.kind == 'alpaca'",
  },
  {
    id: 'market-hours-stocks-only',
    scope: 'spec',
    field: 'runtime.schedule',
    message: 'market-hours is only for assetClass stocks: crypto trades around the clock',
    check: (spec) =>
      spec.runtime.schedule !== 'market-hours' || spec.profile.assetClass === 'stocks',
    cel:
      "!has(self.runtime.schedule) || self.runtime.schedule != 'market-hours' || " +
      "self.profile.assetClass == 'stocks'",
  },
];

export const brokerRules: readonly CrossFieldRule<BrokerSelf>[] = [
  {
    id: 'alpaca-one-credential',
    scope: 'spec.broker',
    field: '',
    message: 'alpaca broker needs exactly one of secretRef or connectionId',
    check: (broker) =>
      broker.kind !== 'alpaca' ||
      (broker.secretRef === undefined) !== (broker.connectionId === undefined),
    cel: "self.kind != 'alpaca' || has(self.secretRef) != has(self.connectionId)",
  },
  {
    id: 'sim-no-credentials',
    scope: 'spec.broker',
    field: '',
    message: 'sim broker takes no credentials: remove secretRef and connectionId',
    check: (broker) =>
      broker.kind !== 'sim' ||
      (broker.secretRef === undefined && broker.connectionId === undefined),
    cel: "self.kind != 'sim' || (!has(self.secretRef) && !has(self.connectionId))",
  },
];

export const hmmRules: readonly CrossFieldRule<HmmSelf>[] = [
  {
    id: 'hmm-state-range',
    scope: 'spec.profile.hmm',
    field: 'minStates',
    message: 'must be at most maxStates',
    check: (hmm) => hmm.minStates <= hmm.maxStates,
    cel: '!has(self.minStates) || !has(self.maxStates) || self.minStates <= self.maxStates',
  },
];

export const riskRules: readonly CrossFieldRule<RiskSelf>[] = [
  {
    id: 'position-within-exposure',
    scope: 'spec.profile.risk',
    field: 'maxPositionPct',
    message: 'must be at most maxExposurePct',
    check: (risk) => risk.maxPositionPct <= risk.maxExposurePct,
    cel:
      '!has(self.maxPositionPct) || !has(self.maxExposurePct) || ' +
      'self.maxPositionPct <= self.maxExposurePct',
  },
];

/** Every cross-field rule, for emitting CEL and for docs; zod attaches them per scope. */
export const crossFieldRules: readonly CrossFieldRule<never>[] = [
  ...specRules,
  ...brokerRules,
  ...hmmRules,
  ...riskRules,
];

// A rule judges a relation between fields, so it runs only once each field is valid on its own;
// otherwise an out-of-range value would be reported twice.
const ONLY_WHEN_VALID = {
  when: (payload: { issues: readonly unknown[] }) => payload.issues.length === 0,
};

/** Attaches `rules` to `schema` as zod checks reporting on each rule's field. */
export function withRules<S extends z.ZodType>(
  schema: S,
  rules: readonly CrossFieldRule<z.output<S>>[],
): S {
  return schema.superRefine((self, ctx) => {
    for (const rule of rules) {
      if (!rule.check(self)) {
        ctx.addIssue({
          code: 'custom',
          path: rule.field === '' ? [] : rule.field.split('.'),
          message: rule.message,
          input: self,
        });
      }
    }
  }, ONLY_WHEN_VALID);
}
