import { z } from 'zod';
import type { RouteContract } from './route-contract.ts';

type JsonObject = Record<string, unknown>;

/**
 * The OpenAPI 3.1 document of every registered route, generated from the same zod schemas that
 * validate requests (served at /api/openapi.json).
 */
export function buildOpenApiDocument(
  contracts: readonly RouteContract[],
  info: { title: string; version: string },
): JsonObject {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const contract of contracts) {
    const path = contract.path.replace(/:([A-Za-z_]+)/g, '{$1}');
    paths[path] ??= {};
    paths[path][contract.method] = operation(contract);
  }
  return {
    openapi: '3.1.0',
    info,
    paths,
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'hmmtrade_session' },
        apiToken: { type: 'http', scheme: 'bearer', description: 'API token (hmt_…)' },
        machineJwt: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
      },
    },
  };
}

function operation(contract: RouteContract): JsonObject {
  const parameters = [
    ...objectParameters(contract.params, 'path'),
    ...objectParameters(contract.query, 'query'),
  ];
  return {
    summary: contract.summary,
    tags: contract.tags,
    operationId: `${contract.method}${contract.path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
    ...(parameters.length ? { parameters } : {}),
    ...(contract.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: toSchema(contract.body, 'input') } },
          },
        }
      : {}),
    responses: Object.fromEntries(
      Object.entries(contract.responses).map(([status, response]) => [
        status,
        {
          description: response.description,
          ...(response.schema
            ? {
                content: {
                  [response.contentType ?? 'application/json']: {
                    schema: toSchema(response.schema, 'output'),
                  },
                },
              }
            : {}),
        },
      ]),
    ),
    security:
      contract.auth === 'user'
        ? [{ session: [] }, { apiToken: [] }]
        : contract.auth === 'machine'
          ? [{ machineJwt: [] }]
          : [],
  };
}

function objectParameters(schema: z.ZodType | undefined, where: 'path' | 'query'): JsonObject[] {
  if (!schema) return [];
  const json = toSchema(schema, 'input');
  const properties = (json.properties ?? {}) as Record<string, JsonObject>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    schema: property,
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
  }));
}

function toSchema(schema: z.ZodType, io: 'input' | 'output'): JsonObject {
  const json = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
  }) as JsonObject;
  delete json.$schema;
  return json;
}
