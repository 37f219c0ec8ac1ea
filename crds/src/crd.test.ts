import { describe, expect, it } from 'vitest';

import { buildTradingBotCrd } from './crd.ts';
import { crossFieldRules } from './cross-field.rules.ts';
import { minimalSpec } from './spec.fixtures.ts';
import { BACKENDS } from './spec.schema.ts';
import type { JsonSchemaNode } from './structural-schema.ts';
import { MODES } from './trading-bot.constants.ts';
import { validateTradingBotSpec } from './trading-bot.validation.ts';

const crd = buildTradingBotCrd();
const version = crd.spec.versions[0];
if (version === undefined) throw new Error('the CRD must have a version');
const root = version.schema.openAPIV3Schema;

function child(node: JsonSchemaNode, ...names: string[]): JsonSchemaNode {
  return names.reduce((at, name) => {
    const next = (at.properties as Record<string, JsonSchemaNode> | undefined)?.[name];
    if (next === undefined) throw new Error(`no property ${name}`);
    return next;
  }, node);
}

/** Every schema node below `node` with its JSONPath-like location. */
function* walk(node: JsonSchemaNode, at = '$'): Generator<[string, JsonSchemaNode]> {
  yield [at, node];
  const properties = (node.properties ?? {}) as Record<string, JsonSchemaNode>;
  for (const [name, value] of Object.entries(properties)) yield* walk(value, `${at}.${name}`);
  if (typeof node.items === 'object') yield* walk(node.items as JsonSchemaNode, `${at}[]`);
  if (typeof node.additionalProperties === 'object') {
    yield* walk(node.additionalProperties as JsonSchemaNode, `${at}{}`);
  }
}

const FORBIDDEN = ['$schema', '$ref', '$defs', 'definitions', 'id', '$id', 'anyOf', 'oneOf'];
const FORBIDDEN_TOO = ['allOf', 'not', 'const', 'uniqueItems', 'propertyNames', 'examples'];

describe('buildTradingBotCrd', () => {
  it('names the resource and its version', () => {
    expect(crd.metadata.name).toBe('tradingbots.hmmtrade.io');
    expect(crd.spec.group).toBe('hmmtrade.io');
    expect(crd.spec.scope).toBe('Namespaced');
    expect(crd.spec.names).toEqual({
      kind: 'TradingBot',
      listKind: 'TradingBotList',
      plural: 'tradingbots',
      singular: 'tradingbot',
      shortNames: ['tb'],
      categories: ['hmmtrade'],
    });
    expect(crd.spec.versions).toHaveLength(1);
    expect(version).toMatchObject({ name: 'v1alpha1', served: true, storage: true });
    expect(version.subresources).toEqual({ status: {} });
  });

  it('prints phase, backend, regime and age', () => {
    const columns = version.additionalPrinterColumns.map(({ name, type, jsonPath }) => ({
      name,
      type,
      jsonPath,
    }));
    expect(columns).toEqual([
      { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
      { name: 'Backend', type: 'string', jsonPath: '.spec.runtime.backend' },
      { name: 'Regime', type: 'string', jsonPath: '.status.regime.label' },
      { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
    ]);
  });

  it('has a structural schema', () => {
    for (const [at, node] of walk(root)) {
      const untyped =
        node['x-kubernetes-int-or-string'] === true ||
        node['x-kubernetes-preserve-unknown-fields'] === true;
      expect(typeof node.type === 'string' || untyped, `${at} has a type`).toBe(true);
      for (const keyword of [...FORBIDDEN, ...FORBIDDEN_TOO]) {
        expect(node, `${at} has no ${keyword}`).not.toHaveProperty([keyword]);
      }
      expect(typeof node.additionalProperties, `${at} additionalProperties`).not.toBe('boolean');
      if (node.properties !== undefined) {
        expect(node, `${at} mixes properties and additionalProperties`).not.toHaveProperty([
          'additionalProperties',
        ]);
      }
      for (const bound of ['exclusiveMinimum', 'exclusiveMaximum']) {
        if (bound in node) expect(typeof node[bound], `${at}.${bound}`).toBe('boolean');
      }
    }
  });

  it('wraps apiVersion, kind, metadata, spec and status, with spec required', () => {
    expect(root.type).toBe('object');
    expect(root.required).toEqual(['spec']);
    expect(Object.keys(root.properties as object)).toEqual([
      'apiVersion',
      'kind',
      'metadata',
      'spec',
      'status',
    ]);
    expect(child(root, 'metadata')).toEqual({ type: 'object' });
    expect(child(root, 'apiVersion').type).toBe('string');
  });

  it('describes every field of spec and status', () => {
    for (const part of ['spec', 'status']) {
      for (const [at, node] of walk(child(root, part), `$.${part}`)) {
        if (at.endsWith('[]') || at.endsWith('{}')) continue;
        expect(node.description, `${at} has a description`).toMatch(/\S/);
      }
    }
  });

  it('types timestamps as date-time without the zod regex', () => {
    const status = child(root, 'status');
    const conditionItem = child(status, 'conditions').items as JsonSchemaNode;
    const timestamps = [
      child(conditionItem, 'lastTransitionTime'),
      child(status, 'lastHeartbeatAt'),
      child(status, 'nextWakeAt'),
      child(status, 'regime', 'since'),
    ];
    for (const node of timestamps) {
      expect(node).toMatchObject({ type: 'string', format: 'date-time' });
      expect(node).not.toHaveProperty('pattern');
    }
  });

  it('keys conditions by type and treats symbol and feature lists as sets', () => {
    const conditions = child(root, 'status', 'conditions');
    expect(conditions['x-kubernetes-list-type']).toBe('map');
    expect(conditions['x-kubernetes-list-map-keys']).toEqual(['type']);
    expect((conditions.items as JsonSchemaNode).required).toContain('type');
    expect(child(root, 'spec', 'profile', 'symbols')['x-kubernetes-list-type']).toBe('set');
    expect(child(root, 'spec', 'profile', 'hmm', 'features')['x-kubernetes-list-type']).toBe('set');
  });

  it('carries every cross-field rule as CEL on the object the rule is scoped to', () => {
    for (const rule of crossFieldRules) {
      const node = child(root, ...rule.scope.split('.'));
      const expected = {
        rule: rule.cel,
        message: rule.message,
        ...(rule.field === '' ? {} : { fieldPath: `.${rule.field}` }),
      };
      expect(node['x-kubernetes-validations'], rule.id).toContainEqual(expected);
    }
  });

  it('enforces the routing key pattern with CEL, since a schema cannot', () => {
    const routing = child(root, 'spec', 'profile', 'routing');
    expect(routing).toMatchObject({ minProperties: 1, maxProperties: 16 });
    expect(routing['x-kubernetes-validations']).toEqual([
      {
        rule: "self.all(k, k.matches('^[a-z][a-zA-Z0-9]{0,31}$'))",
        message: 'keys must be camelCase regime labels such as calm',
      },
    ]);
  });

  it('holds metadata.name to a DNS-1123 label at the root, like the zod metadata schema', () => {
    expect(root['x-kubernetes-validations']).toEqual([
      {
        rule:
          'self.metadata.name.size() <= 63 && ' +
          "self.metadata.name.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$')",
        message: expect.stringMatching(/^metadata\.name must be a DNS-1123 label/) as unknown,
      },
    ]);
  });

  it('keeps enums and bounds from the zod schemas', () => {
    const spec = child(root, 'spec');
    expect(child(spec, 'mode').enum).toEqual([...MODES]);
    expect(child(spec, 'runtime', 'backend').enum).toEqual([...BACKENDS]);
    expect(child(spec, 'profile', 'risk', 'maxPositionPct')).toMatchObject({
      type: 'number',
      minimum: 0,
      exclusiveMinimum: true,
      maximum: 1,
    });
    expect(child(spec, 'profile', 'tickIntervalSeconds')).toMatchObject({
      type: 'integer',
      minimum: 1,
      maximum: 86400,
    });
    expect(child(spec, 'profile', 'symbols')).toMatchObject({ minItems: 1, maxItems: 50 });
  });

  it('defaults exactly what zod defaults, as the apiserver would apply them', () => {
    const parsed = validateTradingBotSpec(minimalSpec());
    if (!parsed.ok) throw new Error('minimal spec must be valid');
    expect(applyDefaults(structuredClone(minimalSpec()), child(root, 'spec'))).toEqual(parsed.spec);
  });

  it('is deterministic', () => {
    expect(JSON.stringify(buildTradingBotCrd())).toBe(JSON.stringify(crd));
  });
});

/** The apiserver's structural defaulting: fill absent properties, then descend into the value. */
function applyDefaults(value: unknown, node: JsonSchemaNode): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const object = value as Record<string, unknown>;
  const properties = (node.properties ?? {}) as Record<string, JsonSchemaNode>;
  for (const [name, property] of Object.entries(properties)) {
    if (!(name in object) && property.default !== undefined) {
      object[name] = structuredClone(property.default);
    }
    if (name in object) object[name] = applyDefaults(object[name], property);
  }
  return object;
}
