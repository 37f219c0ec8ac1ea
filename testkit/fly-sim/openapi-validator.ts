import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

/** Outcome of one check; `errors` name the field and the reason, empty when ok. */
export interface ValidationResult {
  ok: boolean;
  /** The spec operation the call resolved to, or null when it resolved to none. */
  operationId: string | null;
  errors: string[];
}

/**
 * Checks requests and responses against an OpenAPI 3.0 document (components registered, so
 * `$ref: #/components/schemas/…` resolves; `nullable` honoured; unknown keywords ignored).
 * `url` may be a path (`/v1/apps/a/machines?state=started`) or an absolute URL.
 */
export interface OpenApiValidator {
  /** The body, query parameters and (when given) header parameters of a request. */
  validateRequest(
    method: string,
    url: string,
    body?: unknown,
    headers?: Readonly<Record<string, string | undefined>>,
  ): ValidationResult;
  /**
   * A response body against the schema of `status` for the operation. A 4xx/5xx the operation
   * does not list is checked against the spec's ErrorResponse (Fly's shape for every error);
   * an unlisted 1xx–3xx is an error.
   */
  validateResponse(method: string, url: string, status: number, body: unknown): ValidationResult;
}

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: { type?: string; enum?: unknown[] };
}
interface Operation {
  operationId?: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}
interface Spec {
  paths: Record<string, Record<string, Operation>>;
}
interface Route {
  template: string;
  pattern: RegExp;
  params: number;
}

interface Resolved {
  route: Route;
  operation: Operation;
  lower: string;
  query: URLSearchParams;
}

const SPEC_ID = 'fly-openapi';

/** The Fly Machines OpenAPI document in `../shared/specs/` next to the repository checkout. */
export function defaultFlySpecPath(): string {
  return resolve(import.meta.dirname, '../../../shared/specs/fly-machines-openapi.json');
}

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as (ajv: Ajv) => void;

const pointer = (...tokens: string[]): string =>
  `${SPEC_ID}#/${tokens.map((t) => encodeURIComponent(t.replaceAll('~', '~0').replaceAll('/', '~1'))).join('/')}`;

/** Loads the document at `specPath`; throws saying where the spec should be when it is missing. */
export function createOpenApiValidator(specPath: string = defaultFlySpecPath()): OpenApiValidator {
  if (!existsSync(specPath)) {
    throw new Error(
      `OpenAPI document not found at ${specPath}: the Fly Machines spec ships in ../shared/specs/ ` +
        `next to the repository (see ../shared/specs/README.md); pass its path to createOpenApiValidator`,
    );
  }
  const spec = JSON.parse(readFileSync(specPath, 'utf8')) as Spec;
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  ajv.addSchema(spec, SPEC_ID);
  const compiled = new Map<string, ValidateFunction>();
  const check = (ref: string, value: unknown, label: string): string[] => {
    let validate = compiled.get(ref);
    if (!validate) {
      validate = ajv.compile({ $ref: ref });
      compiled.set(ref, validate);
    }
    return validate(value) ? [] : (validate.errors ?? []).map((e) => describe(label, e));
  };
  const routes: Route[] = Object.keys(spec.paths)
    .map((template) => ({
      template,
      pattern: new RegExp(
        `^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`,
      ),
      params: (template.match(/\{/g) ?? []).length,
    }))
    .sort((a, b) => a.params - b.params);

  const resolveOperation = (method: string, url: string): Resolved | { error: string } => {
    const parsed = new URL(url, 'http://fly-sim.invalid');
    const route = routes.find((r) => r.pattern.test(parsed.pathname));
    const lower = method.toLowerCase();
    const operation = route ? spec.paths[route.template]?.[lower] : undefined;
    if (!route || !operation) {
      return { error: `${method} ${parsed.pathname} is not an operation of the spec` };
    }
    return { route, operation, lower, query: parsed.searchParams };
  };
  const result = (operation: Operation | null, errors: string[]): ValidationResult => ({
    ok: errors.length === 0,
    operationId: operation?.operationId ?? null,
    errors,
  });

  return {
    validateRequest(method, url, body, headers) {
      const found = resolveOperation(method, url);
      if ('error' in found) return result(null, [found.error]);
      const { route, operation, lower, query } = found;
      const op = `${method.toUpperCase()} ${route.template}`;
      const errors: string[] = [];
      const parameters = operation.parameters ?? [];
      parameters.forEach((p, index) => {
        const at = pointer('paths', route.template, lower, 'parameters', String(index), 'schema');
        if (p.in === 'query') {
          const keys = p.name.includes('{')
            ? [...new Set(query.keys())].filter((k) => templateMatch(p.name, k))
            : query.has(p.name)
              ? [p.name]
              : [];
          if (p.required && keys.length === 0) errors.push(`query ${p.name}: required by ${op}`);
          for (const key of keys) {
            for (const raw of query.getAll(key)) {
              const parts =
                p.schema?.enum && /comma/i.test(p.description ?? '') ? raw.split(',') : [raw];
              for (const part of parts)
                errors.push(...check(at, coerce(part, p.schema?.type), `query ${key}`));
            }
          }
        } else if (p.in === 'header' && headers && p.required) {
          const value = Object.entries(headers).find(
            ([k]) => k.toLowerCase() === p.name.toLowerCase(),
          )?.[1];
          if (value === undefined || value === '')
            errors.push(`header ${p.name}: required by ${op}`);
        }
      });
      for (const key of new Set(query.keys())) {
        const declared = parameters.some(
          (p) => p.in === 'query' && (p.name === key || templateMatch(p.name, key)),
        );
        if (!declared) errors.push(`query ${key}: not a parameter of ${op}`);
      }
      const requestBody = operation.requestBody;
      if (!requestBody) {
        if (body !== undefined) errors.push(`body: ${op} takes no request body`);
      } else if (body === undefined) {
        if (requestBody.required) errors.push(`body: required by ${op}`);
      } else if (requestBody.content?.['application/json']?.schema) {
        const at = pointer(
          'paths',
          route.template,
          lower,
          'requestBody',
          'content',
          'application/json',
          'schema',
        );
        errors.push(...check(at, body, 'body'));
      }
      return result(operation, errors);
    },

    validateResponse(method, url, status, body) {
      const found = resolveOperation(method, url);
      if ('error' in found) return result(null, [found.error]);
      const { route, operation, lower } = found;
      const responses = operation.responses ?? {};
      const key =
        String(status) in responses ? String(status) : 'default' in responses ? 'default' : null;
      if (key === null) {
        if (status >= 400)
          return result(
            operation,
            check(pointer('components', 'schemas', 'ErrorResponse'), body, `${status} body`),
          );
        const listed = Object.keys(responses).join(', ');
        return result(operation, [
          `status ${status} is not a response of ${method.toUpperCase()} ${route.template} (spec lists ${listed})`,
        ]);
      }
      if (!responses[key]?.content?.['application/json']?.schema) return result(operation, []);
      if (body === undefined)
        return result(operation, [`${status} body: the spec defines a JSON body, got none`]);
      const at = pointer(
        'paths',
        route.template,
        lower,
        'responses',
        key,
        'content',
        'application/json',
        'schema',
      );
      return result(operation, check(at, body, `${status} body`));
    },
  };
}

/** `metadata.{key}` matches `metadata.anything`. */
function templateMatch(template: string, key: string): boolean {
  const [prefix = ''] = template.split('{');
  return key.startsWith(prefix) && key.length > prefix.length;
}

/** A query string value as the parameter's type, so the schema can judge it. */
function coerce(raw: string, type: string | undefined): unknown {
  if (type === 'integer' || type === 'number')
    return /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
  if (type === 'boolean') return raw === 'true' ? true : raw === 'false' ? false : raw;
  return raw;
}

function describe(label: string, error: ErrorObject): string {
  const where = `${label}${error.instancePath.replaceAll('/', '.')}`;
  const allowed =
    error.keyword === 'enum' ? ` (${JSON.stringify(error.params.allowedValues)})` : '';
  return `${where}: ${error.message ?? error.keyword}${allowed}`;
}
