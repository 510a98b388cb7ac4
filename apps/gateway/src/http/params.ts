import { ApiError } from '@satupintu/platform';
import type { z } from 'zod';

/** A UUID path parameter (any version), checked before it reaches a query. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A UUID path parameter, lower-cased; anything else is answered 404 with `code` and `message`. */
export function uuidOr404(id: string, code: string, message: string): string {
  if (!UUID.test(id)) throw new ApiError(404, code, message);
  return id.toLowerCase();
}

/** A request body checked against its schema; anything else is answered 400 INVALID_REQUEST with every issue. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new ApiError(400, 'INVALID_REQUEST', 'the request body is not valid', parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  }
  return parsed.data;
}

/** `format` query parameter: json (default) or csv. */
export function formatOf(format: unknown): 'json' | 'csv' {
  if (format === undefined || format === 'json') return 'json';
  if (format === 'csv') return 'csv';
  throw new ApiError(400, 'INVALID_QUERY', 'format must be json or csv');
}
