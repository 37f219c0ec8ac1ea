/** A node of a Kubernetes structural schema (apiextensions.k8s.io/v1 JSONSchemaProps). */
export interface JsonSchemaNode {
  [keyword: string]: unknown;
}

/** Keywords Kubernetes accepts in a structural schema and this project uses. */
const KEYWORD_ORDER = [
  'description',
  'type',
  'format',
  'enum',
  'default',
  'nullable',
  'minimum',
  'exclusiveMinimum',
  'maximum',
  'exclusiveMaximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'pattern',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
  'required',
  'properties',
  'additionalProperties',
  'items',
] as const;
const ALLOWED = new Set<string>(KEYWORD_ORDER);

/** Meta keywords zod may emit that mean nothing to the apiserver. */
const DROPPED = new Set(['$schema', '$id', 'id', '$defs', 'definitions', 'title', 'examples']);

/**
 * Formats the apiserver validates itself; zod also emits an equivalent `pattern`, which is dropped
 * so the CRD stays readable and the apiserver's own error message is the one users see.
 */
const SELF_VALIDATING_FORMATS = new Set(['date-time', 'uuid']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function keywordRank(key: string): number {
  const index = KEYWORD_ORDER.indexOf(key as (typeof KEYWORD_ORDER)[number]);
  return index === -1 ? KEYWORD_ORDER.length : index;
}

/** Known keywords in a fixed order, then `x-kubernetes-*` extensions alphabetically. */
function sortKeywords(node: JsonSchemaNode): JsonSchemaNode {
  const keys = Object.keys(node).sort(
    (a, b) => keywordRank(a) - keywordRank(b) || (a < b ? -1 : a > b ? 1 : 0),
  );
  return Object.fromEntries(keys.map((key) => [key, node[key]]));
}

/**
 * Turns a JSON schema produced by `z.toJSONSchema(…, { target: 'openapi-3.0' })` into a structural
 * schema the apiserver accepts: every node typed, no references or combinators, no
 * `additionalProperties: false` (the apiserver prunes unknown fields instead), OpenAPI 3.0 boolean
 * exclusive bounds. Throws, naming the node, on anything it cannot express faithfully, so a schema
 * change can never silently drop a constraint from the CRD.
 */
export function toStructuralSchema(node: unknown, at = '$'): JsonSchemaNode {
  if (!isRecord(node)) throw new Error(`${at}: schema node must be an object`);
  const out: JsonSchemaNode = {};
  for (const [key, value] of Object.entries(node)) {
    if (DROPPED.has(key)) continue;
    if (key === 'properties') {
      if (!isRecord(value)) throw new Error(`${at}.properties: must be an object`);
      out.properties = Object.fromEntries(
        Object.entries(value).map(([name, child]) => [
          name,
          toStructuralSchema(child, `${at}.properties.${name}`),
        ]),
      );
    } else if (key === 'items') {
      out.items = toStructuralSchema(value, `${at}.items`);
    } else if (key === 'additionalProperties') {
      if (value === false) continue;
      out.additionalProperties = toStructuralSchema(value, `${at}.additionalProperties`);
    } else if (key === 'const') {
      out.enum = [value];
    } else if (key === 'exclusiveMinimum' || key === 'exclusiveMaximum') {
      if (typeof value === 'number') {
        out[key === 'exclusiveMinimum' ? 'minimum' : 'maximum'] = value;
        out[key] = true;
      } else out[key] = value;
    } else if (ALLOWED.has(key) || key.startsWith('x-kubernetes-')) {
      out[key] = value;
    } else {
      throw new Error(`${at}: keyword "${key}" has no structural-schema equivalent`);
    }
  }
  if (typeof out.format === 'string' && SELF_VALIDATING_FORMATS.has(out.format)) {
    delete out.pattern;
  }
  if (out.properties !== undefined && out.additionalProperties !== undefined) {
    throw new Error(`${at}: properties and additionalProperties are mutually exclusive`);
  }
  const untypedAllowed =
    out['x-kubernetes-int-or-string'] === true ||
    out['x-kubernetes-preserve-unknown-fields'] === true;
  if (typeof out.type !== 'string' && !untypedAllowed) throw new Error(`${at}: missing type`);
  return sortKeywords(out);
}
