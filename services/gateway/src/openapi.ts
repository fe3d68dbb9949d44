import { z } from 'zod';

/** One HTTP route as documented; the schemas are the ones its handler validates with. */
export interface ApiRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** OpenAPI style, e.g. /v1/users/{user_id}/preferences. */
  path: string;
  summary: string;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  responses: Record<number, { description: string; schema?: z.ZodType; contentType?: string }>;
}

type JsonSchema = Record<string, unknown> & {
  properties?: Record<string, Record<string, unknown>>;
  required?: string[];
};

function jsonSchema(schema: z.ZodType): JsonSchema {
  // Input side: what a client sends (defaults optional, coercions as typed).
  const schemaDoc = z.toJSONSchema(schema, { io: 'input' }) as JsonSchema;
  delete schemaDoc.$schema;
  return schemaDoc;
}

function parameters(schema: z.ZodType, where: 'query' | 'path') {
  const { properties = {}, required = [] } = jsonSchema(schema);
  return Object.entries(properties).map(([name, { description, ...rest }]) => ({
    name,
    in: where,
    required: where === 'path' || required.includes(name),
    ...(description ? { description } : {}),
    schema: rest,
  }));
}

/** An OpenAPI 3.1 document built from the routes' zod schemas. */
export function openApiDocument(
  routes: readonly ApiRoute[],
  info: { title: string; version: string },
): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const operation: Record<string, unknown> = {
      summary: route.summary,
      parameters: [
        ...(route.params ? parameters(route.params, 'path') : []),
        ...(route.query ? parameters(route.query, 'query') : []),
      ],
      responses: Object.fromEntries(
        Object.entries(route.responses).map(([status, r]) => [
          status,
          {
            description: r.description,
            ...(r.schema
              ? {
                  content: {
                    [r.contentType ?? 'application/json']: { schema: jsonSchema(r.schema) },
                  },
                }
              : {}),
          },
        ]),
      ),
    };
    if (route.body) {
      operation.requestBody = {
        required: true,
        content: { 'application/json': { schema: jsonSchema(route.body) } },
      };
    }
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operation;
  }
  return { openapi: '3.1.0', info, paths };
}

/** /v1/users/{user_id} -> /v1/users/:user_id, for fastify. */
export function fastifyPath(path: string): string {
  return path.replace(/\{([^}]+)\}/g, ':$1');
}
