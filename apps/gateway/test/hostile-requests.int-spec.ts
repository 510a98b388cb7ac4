import { TestStack } from '@satupintu/testing';
import fc from 'fast-check';
import { seedWorld, type World } from './access-world';

/** Strings that have broken services elsewhere: injection, scripts, traversal, odd Unicode, control characters. */
const HOSTILE = [
  "' or 1=1 --", "'; drop table gateway.principals; --", '" or ""="', '1; select pg_sleep(5)', '$1', '%', '_', '\\', '\u0000', '\u202e',
  '<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', '../../etc/passwd', '..%2f..%2f', '%00', '{{7*7}}', '${jndi:ldap://x}',
  '__proto__', 'constructor', 'prototype', 'NaN', 'Infinity', '-1', '1e309', '9'.repeat(400), '𝕊𝕒𝕥𝕦', '😀'.repeat(50), 'ID', '31.71', 'null', 'true',
];
const hostileString = fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ minLength: 2000, maxLength: 6000 }));
const hostileValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    hostileString,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.oneof(hostileString, fc.constantFrom('records', 'family', 'idempotencyKey', 'targets', 'decision', 'reason', 'label', 'role', 'regions', '__proto__')), tie('value'), { maxKeys: 5 }),
  ),
})).value;

/** Every route of the gateway, with the places where input goes in. */
const ROUTES: Array<{ method: string; path: (p: string) => string; query?: string[] }> = [
  { method: 'POST', path: () => '/v1/submissions' },
  { method: 'GET', path: (p) => `/v1/submissions/${p}` },
  { method: 'GET', path: () => '/v1/persons', query: ['nik'] },
  { method: 'GET', path: () => '/v1/families', query: ['kk'] },
  { method: 'GET', path: (p) => `/v1/families/${p}` },
  { method: 'GET', path: (p) => `/v1/persons/${p}/eligibility` },
  { method: 'GET', path: (p) => `/v1/families/${p}/eligibility` },
  { method: 'GET', path: (p) => `/v1/regions/${p}/eligibility`, query: ['programme'] },
  { method: 'GET', path: (p) => `/v1/regions/${p}/counts` },
  { method: 'GET', path: (p) => `/v1/regions/${p}/indicators`, query: ['theme', 'at', 'format'] },
  { method: 'GET', path: () => '/v1/indicators' },
  { method: 'GET', path: () => '/v1/campaigns' },
  { method: 'PUT', path: (p) => `/v1/campaigns/${p}` },
  { method: 'PUT', path: (p) => `/v1/campaigns/${p}/targets` },
  { method: 'GET', path: (p) => `/v1/campaigns/${p}/progress`, query: ['region', 'format'] },
  { method: 'GET', path: () => '/v1/review-tasks', query: ['region', 'status', 'after'] },
  { method: 'GET', path: (p) => `/v1/review-tasks/${p}` },
  { method: 'POST', path: (p) => `/v1/review-tasks/${p}/decision` },
  { method: 'GET', path: (p) => `/v1/merges/${p}` },
  { method: 'POST', path: (p) => `/v1/merges/${p}/unmerge` },
  { method: 'GET', path: () => '/v1/me' },
  { method: 'POST', path: () => '/v1/admin/principals' },
  { method: 'GET', path: () => '/v1/admin/principals', query: ['after'] },
  { method: 'GET', path: (p) => `/v1/admin/principals/${p}` },
  { method: 'PATCH', path: (p) => `/v1/admin/principals/${p}` },
  { method: 'POST', path: (p) => `/v1/admin/principals/${p}/api-keys` },
  { method: 'POST', path: (p) => `/v1/admin/principals/${p}/tokens` },
  { method: 'POST', path: (p) => `/v1/admin/principals/${p}/tokens/revoke` },
  { method: 'POST', path: (p) => `/v1/admin/api-keys/${p}/revoke` },
  { method: 'POST', path: (p) => `/v1/admin/api-keys/${p}/rotate` },
  { method: 'GET', path: () => '/v1/admin/audit', query: ['actor', 'record', 'action', 'from', 'to', 'after'] },
  { method: 'GET', path: () => '/v1/admin/audit/verify' },
  { method: 'GET', path: (p) => `/dashboard/${p}` },
];

/**
 * What hostile requests must not add to or change: the rows of the data tables (of API keys, all but
 * when they were last used), and the outbox's sequence (the relay empties the outbox as it sends).
 */
const DATA = [
  ...['submission_records', 'submission_events', 'principals', 'campaigns', 'campaign_targets', 'registry_families', 'review_tasks', 'merges'].map((t) => [t, `select x::text as r from gateway.${t} x`]),
  ['api_keys', 'select (key_id, principal_id, secret_hash, expires_at, revoked_at)::text as r from gateway.api_keys'],
  ['outbox', `select last_value::text as r from gateway.outbox_id_seq`],
];

/**
 * Thousands of malformed, oversized and hostile requests (fast-check) to every endpoint, as the
 * national admin (so they reach the handlers) and as other callers: never a 5xx, always a
 * structured JSON error, the gateway stays up, and nothing is stored.
 */
describe('hostile requests', () => {
  const stack = new TestStack('hostile');
  let url: string;
  let world: World;
  const snapshot = async () => {
    const tables: Record<string, unknown> = {};
    for (const [t, sql] of DATA) tables[t] = (await stack.db.query(`select md5(coalesce(string_agg(r, '|' order by r), '')) as h, count(*)::int as n from (${sql}) s`)).rows[0];
    return tables;
  };

  beforeAll(async () => {
    await stack.setUp();
    url = (await stack.start('gateway')).url;
    world = await seedWorld(stack, url);
  }, 120_000);

  afterAll(() => stack.tearDown());

  it('answers every malformed, hostile or oversized request with a structured 4xx, stores nothing and stays up', async () => {
    const before = await snapshot();
    const callers = [stack.adminKey, world.principals.supervisor.key, world.principals.cadre.key, 'not-a-key', ''];
    let sent = 0;
    const failures: string[] = [];
    const slow: string[] = [];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROUTES),
        hostileString,
        fc.dictionary(fc.oneof(fc.constantFrom('nik', 'kk', 'region', 'theme', 'at', 'format', 'status', 'after', 'programme', 'actor', 'record', 'from', 'to'), hostileString), hostileString, { maxKeys: 4 }),
        fc.oneof(hostileValue, fc.record({ records: fc.array(hostileValue, { maxLength: 20 }) }), fc.record({ targets: fc.array(hostileValue, { maxLength: 20 }) })),
        fc.constantFrom(...callers),
        fc.oneof(fc.constant(undefined), fc.constantFrom('registration', 'health', 'oversight'), hostileString),
        fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-16'),
        async (route, param, query, body, key, purpose, contentType) => {
          const q = new URLSearchParams(Object.entries(query)).toString();
          const path = `${route.path(encodeURIComponent(param.toWellFormed()).slice(0, 4000))}${q ? `?${q}` : ''}`;
          const headers: Record<string, string> = { 'content-type': contentType };
          if (key) headers.authorization = `Bearer ${key}`;
          if (purpose !== undefined) headers['x-purpose'] = purpose.replace(/[^\x20-\x7e]/g, '?').slice(0, 200);
          const t0 = Date.now();
          const res = await fetch(`${url}${path}`, { method: route.method, headers, body: route.method === 'GET' ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(20_000) }).catch((err: Error) => err);
          sent += 1;
          if (res instanceof Error) {
            failures.push(`${route.method} ${path.slice(0, 120)} -> no answer (${res.name})`);
            return;
          }
          if (Date.now() - t0 > 2000) slow.push(`${route.method} ${path.slice(0, 80)} ${Date.now() - t0} ms`);
          const text = await res.text();
          if (res.status >= 500) failures.push(`${route.method} ${path.slice(0, 120)} -> ${res.status} ${text.slice(0, 200)}`);
          if (res.status >= 400 && !(res.status === 404 && route.path('x').startsWith('/dashboard'))) {
            let parsed: { error?: { code?: unknown; message?: unknown } } = {};
            try {
              parsed = JSON.parse(text) as typeof parsed;
            } catch {
              // reported below as unstructured
            }
            if (typeof parsed.error?.code !== 'string' || typeof parsed.error?.message !== 'string') failures.push(`${route.method} ${path.slice(0, 120)} -> ${res.status} unstructured: ${text.slice(0, 200)}`);
            if (/\.ts:\d+|\.js:\d+|at \w+ \(/.test(text)) failures.push(`${route.method} ${path.slice(0, 120)} -> stack trace`);
          }
        },
      ),
      { numRuns: Number(process.env.HOSTILE_RUNS ?? 3000), seed: 20261123, endOnFailure: true },
    );

    console.log(`generated requests: ${sent}; slow: ${slow.length}\n${slow.slice(0, 20).join('\n')}`);
    // Structures no generator builds: very deep nesting, oversized bodies, a very long URL, broken JSON.
    const raw = async (method: string, path: string, body: string | undefined, type = 'application/json') =>
      fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${stack.adminKey}`, 'content-type': type }, body });
    const deep = `${'['.repeat(50_000)}${']'.repeat(50_000)}`;
    const deepObject = `{"records":[{"idempotencyKey":"d","family":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}]}`;
    const specials: Array<[string, Response]> = [];
    for (const route of ROUTES.filter((r) => r.method !== 'GET')) {
      const path = route.path(world.families.in.familyId);
      specials.push([`${route.method} ${path} deep array`, await raw(route.method, path, deep)]);
      specials.push([`${route.method} ${path} deep object`, await raw(route.method, path, deepObject)]);
      specials.push([`${route.method} ${path} 6 MB`, await raw(route.method, path, JSON.stringify({ pad: 'x'.repeat(6 * 1024 * 1024) }))]);
      specials.push([`${route.method} ${path} broken JSON`, await raw(route.method, path, '{"records": [1, 2')]);
      specials.push([`${route.method} ${path} __proto__`, await raw(route.method, path, '{"__proto__": {"role": "admin"}, "constructor": {"prototype": {"x": 1}}}')]);
    }
    specials.push(['long URL', await raw('GET', `/v1/regions/${'9'.repeat(20_000)}/counts`, undefined)]);
    for (const [name, res] of specials) {
      sent += 1;
      const text = await res.text();
      // A batch answers 202 with every record refused on its own; anything else must be a structured error.
      const refusedRecords = res.status === 202 && (JSON.parse(text) as { records: Array<{ status: string }> }).records.every((r) => r.status === 'invalid');
      if (refusedRecords) continue;
      if (!text.startsWith('{"error":{"code":')) failures.push(`${name} -> ${res.status} unstructured: ${text.slice(0, 100)}`);
      if (res.status >= 500) failures.push(`${name} -> ${res.status}`);
      if (res.status < 400) failures.push(`${name} -> ${res.status} (accepted)`);
    }

    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThan(3000);
    expect((await fetch(`${url}/health/ready`)).status).toBe(200);
    expect(stack.services.get('gateway')?.process.exitCode).toBeNull();
    expect(await snapshot()).toEqual(before);
  }, 600_000);
});
