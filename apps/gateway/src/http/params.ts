import { ApiError } from '@satupintu/platform';

/** A UUID path parameter (any version), checked before it reaches a query. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A UUID path parameter, lower-cased; anything else is answered 404 with `code` and `message`. */
export function uuidOr404(id: string, code: string, message: string): string {
  if (!UUID.test(id)) throw new ApiError(404, code, message);
  return id.toLowerCase();
}
