import { describe, expect, it } from 'vitest';

import { toStructuralSchema } from './structural-schema.ts';

describe('toStructuralSchema', () => {
  it('drops what the apiserver does not take and keeps the rest in a fixed order', () => {
    const input = {
      $schema: 'http://json-schema.org/draft-04/schema#',
      additionalProperties: false,
      required: ['a'],
      type: 'object',
      description: 'root',
      properties: {
        a: { maximum: 3, type: 'integer', default: 1, description: 'a', minimum: 1 },
        b: { type: 'object', additionalProperties: { type: 'string' }, 'x-kubernetes-z': 1 },
      },
    };
    const out = toStructuralSchema(input);
    expect(JSON.stringify(out)).toBe(
      JSON.stringify({
        description: 'root',
        type: 'object',
        required: ['a'],
        properties: {
          a: { description: 'a', type: 'integer', default: 1, minimum: 1, maximum: 3 },
          b: { type: 'object', additionalProperties: { type: 'string' }, 'x-kubernetes-z': 1 },
        },
      }),
    );
  });

  it('rewrites const as a one-value enum and numeric exclusive bounds as OpenAPI 3.0 flags', () => {
    expect(toStructuralSchema({ type: 'string', const: 'x' })).toEqual({
      type: 'string',
      enum: ['x'],
    });
    expect(
      toStructuralSchema({ type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 4 }),
    ).toEqual({
      type: 'number',
      minimum: 0,
      exclusiveMinimum: true,
      maximum: 4,
      exclusiveMaximum: true,
    });
  });

  it('leaves date-time and uuid validation to the format', () => {
    expect(toStructuralSchema({ type: 'string', format: 'date-time', pattern: '^.+$' })).toEqual({
      type: 'string',
      format: 'date-time',
    });
    expect(toStructuralSchema({ type: 'string', pattern: '^a$' })).toEqual({
      type: 'string',
      pattern: '^a$',
    });
  });

  it.each([
    ['a node without a type', { properties: {} }, '$: missing type'],
    [
      'anyOf',
      { type: 'string', anyOf: [] },
      '$: keyword "anyOf" has no structural-schema equivalent',
    ],
    [
      '$ref',
      { type: 'object', properties: { a: { $ref: '#/x' } } },
      '$.properties.a: keyword "$ref"',
    ],
    ['uniqueItems', { type: 'array', items: { type: 'string' }, uniqueItems: true }, 'uniqueItems'],
    [
      'properties beside additionalProperties',
      { type: 'object', properties: {}, additionalProperties: { type: 'string' } },
      'mutually exclusive',
    ],
  ])('refuses %s', (_, input, message) => {
    expect(() => toStructuralSchema(input)).toThrow(message);
  });

  it('accepts untyped nodes Kubernetes allows', () => {
    expect(toStructuralSchema({ 'x-kubernetes-int-or-string': true })).toEqual({
      'x-kubernetes-int-or-string': true,
    });
  });
});
