// Test inputs shared by the crds tests; not part of the public API.
import type { TradingBotSpecInput } from './spec.schema.ts';

/** The smallest valid spec: a paper bot on the sim broker, every other field defaulted. */
export function minimalSpec(): TradingBotSpecInput {
  return {
    broker: { kind: 'sim' },
    profile: { symbols: ['AAPL'], assetClass: 'stocks' },
    runtime: { backend: 'local' },
  };
}

/** A valid whole TradingBot object around `spec`. */
export function botWith(spec: unknown): Record<string, unknown> {
  return {
    apiVersion: 'hmmtrade.io/v1alpha1',
    kind: 'TradingBot',
    metadata: { name: 'demo', namespace: 'default' },
    spec,
  };
}

/**
 * A deep copy of `base` with the value at dotted `path` replaced (`undefined` removes it);
 * missing objects along the path are created.
 */
export function patched(base: unknown, path: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(base) as Record<string, unknown>;
  const names = path.split('.');
  const last = names.pop() as string;
  let node = copy;
  for (const name of names) {
    const next = node[name];
    if (typeof next !== 'object' || next === null) node[name] = {};
    node = node[name] as Record<string, unknown>;
  }
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

/**
 * A table row for an invalid spec: the dotted path below `spec` to replace, the value to put there
 * (`undefined` removes the field), the expected reason, and the reported path when it is not
 * `spec.<set path>`.
 */
export type InvalidCase = readonly [set: string, value: unknown, message: string, path?: string];

/** Row name for `it.each`: the reported path and the offending value. */
export function caseName([set, value, , path]: InvalidCase): string {
  return `${path ?? `spec.${set}`} = ${value === undefined ? '(absent)' : JSON.stringify(value)}`;
}
