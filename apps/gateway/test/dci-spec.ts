import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/**
 * Validators for DCI envelopes made from the published SPDCI Social Registry API v1.0.0 (the YAML in
 * ../shared/reference/dci, read as it is) with Ajv: the request body and the answer of a path. Two
 * local fixes, as in SPEC_ISSUES_REPORT.md: `oneOf` over string / integer / number / boolean /
 * object for a value can never hold for an integer (it is both an integer and a number), so it is
 * read as `anyOf`; and OpenAPI's `format: int32` is known to Ajv.
 */
const SPEC_FILE = join('reference', 'dci', 'social_api_v1.0.0.yaml');
/** The team's shared folder: SATUPINTU_SHARED_DIR, else ../shared beside the checkout, else /work/shared. */
const SPEC = [process.env.SATUPINTU_SHARED_DIR, join(__dirname, '..', '..', '..', '..', 'shared'), '/work/shared']
  .filter((d): d is string => Boolean(d))
  .map((d) => join(d, SPEC_FILE))
  .find((f) => existsSync(f));
if (!SPEC) throw new Error(`the SPDCI specification (${SPEC_FILE}) is needed: set SATUPINTU_SHARED_DIR to the folder that holds reference/dci`);

type Schema = Record<string, unknown>;

function fixValueOneOf(node: unknown): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) return node.forEach(fixValueOneOf);
  const o = node as Schema;
  const variants = o.oneOf as Array<{ type?: string }> | undefined;
  if (Array.isArray(variants) && variants.some((v) => v.type === 'integer') && variants.some((v) => v.type === 'number')) {
    o.anyOf = variants;
    delete o.oneOf;
  }
  for (const v of Object.values(o)) fixValueOneOf(v);
}

const doc = parse(readFileSync(SPEC, 'utf8')) as { paths: Record<string, { post: { requestBody: { content: { 'application/json': { schema: Schema } } }; responses: Record<string, { content?: { 'application/json': { schema: Schema } }; $ref?: string }> } }>; components: Schema };
fixValueOneOf(doc);

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });

const compiled = new Map<string, ValidateFunction>();
function validator(key: string, schema: Schema): ValidateFunction {
  let v = compiled.get(key);
  if (!v) {
    // The path's schema as the root of a document that holds the components its $refs point into.
    v = ajv.compile({ ...schema, components: doc.components });
    compiled.set(key, v);
  }
  return v;
}

/** Problems of a body against the path's request schema ([] when it conforms). */
export function requestProblems(path: string, body: unknown): string[] {
  const v = validator(`req ${path}`, doc.paths[path].post.requestBody.content['application/json'].schema);
  return v(body) ? [] : (v.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

/** Problems of an answer against the path's default response schema, or the HttpErrorResponse for an error status. */
export function responseProblems(path: string, status: number, body: unknown): string[] {
  const responses = doc.paths[path].post.responses;
  const named = (doc.components as { responses: Record<string, { content: { 'application/json': { schema: Schema } } }> }).responses;
  const answer = responses.default.$ref ? named[responses.default.$ref.split('/').pop()!] : responses.default;
  const schema = status >= 400 ? named.HttpErrorResponse.content['application/json'].schema : answer.content!['application/json'].schema;
  const v = validator(`res ${path} ${status >= 400 ? 'error' : 'ok'}`, schema);
  return v(body) ? [] : (v.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
