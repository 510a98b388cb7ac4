import { family, TestStack } from '@satupintu/testing';
import { randomUUID } from 'node:crypto';
import { reviewTask, merge, readModels, seedWorld, VILLAGE, type World } from './access-world';
import { TOPICS } from '@satupintu/contracts';
import { encodeEvent } from '@satupintu/kafka';
import { produce } from '@satupintu/testing';

interface AuditRow { actor_id: string | null; action: string; outcome: string; status: number; purpose: string | null; record_ids: string[]; ip: string | null }

/**
 * Credentials (API keys, tokens: issue, rotate, revoke, disable), the audit trail (one entry per
 * personal-data read or write, with actor and purpose; append-only and hash-chained), rate limits
 * in Redis, and security headers, on the real gateway.
 */
describe('access: credentials, audit and protection', () => {
  const stack = new TestStack('access');
  let url: string;
  let world: World;

  beforeAll(async () => {
    await stack.setUp();
    url = (await stack.start('gateway')).url;
    world = await seedWorld(stack, url);
  }, 120_000);

  afterAll(() => stack.tearDown());

  const as = (key: string, extra: Record<string, string> = {}) => ({ authorization: `Bearer ${key}`, 'content-type': 'application/json', ...extra });
  const admin = (method: string, path: string, body?: unknown) =>
    fetch(`${url}${path}`, { method, headers: as(stack.adminKey), body: body === undefined ? undefined : JSON.stringify(body) });
  const lastSeq = async () => Number((await stack.db.query('select coalesce(max(seq), 0) as s from gateway.audit_log')).rows[0].s);
  const entriesAfter = async (seq: number): Promise<AuditRow[]> =>
    (await stack.db.query('select actor_id, action, outcome, status, purpose, record_ids, ip from gateway.audit_log where seq > $1 order by seq', [seq])).rows;

  it('issues tokens that work until revoked, and API keys that rotate with a grace period and can be revoked', async () => {
    const { supervisor } = world.principals;
    const me = (credential: string) => fetch(`${url}/v1/me`, { headers: as(credential) });
    const token = (await (await admin('POST', `/v1/admin/principals/${supervisor.id}/tokens`, { ttlSeconds: 600 })).json()) as { token: string; expiresAt: string };
    expect((await me(token.token)).status).toBe(200);
    expect(await (await me(token.token)).json()).toEqual(expect.objectContaining({ id: supervisor.id, role: 'supervisor', regions: ['31.71'], via: 'token' }));
    // A token whose signature was changed is refused.
    expect((await me(`${token.token.slice(0, -2)}xx`)).status).toBe(401);
    expect((await admin('POST', `/v1/admin/principals/${supervisor.id}/tokens/revoke`)).status).toBe(200);
    expect((await me(token.token)).status).toBe(401);
    const again = (await (await admin('POST', `/v1/admin/principals/${supervisor.id}/tokens`, {})).json()) as { token: string };
    await new Promise((r) => setTimeout(r, 1100)); // tokens carry whole seconds; this one is issued after the revocation
    const later = (await (await admin('POST', `/v1/admin/principals/${supervisor.id}/tokens`, {})).json()) as { token: string };
    expect((await me(later.token)).status).toBe(200);
    expect([401, 200]).toContain((await me(again.token)).status);

    const created = (await (await admin('POST', `/v1/admin/principals/${supervisor.id}/api-keys`, { label: 'rotating' })).json()) as { keyId: string; key: string };
    expect((await me(created.key)).status).toBe(200);
    const rotated = (await (await admin('POST', `/v1/admin/api-keys/${created.keyId}/rotate`, { graceSeconds: 3600 })).json()) as { keyId: string; key: string };
    expect((await me(created.key)).status).toBe(200);
    expect((await me(rotated.key)).status).toBe(200);
    expect((await admin('POST', `/v1/admin/api-keys/${created.keyId}/revoke`)).status).toBe(200);
    expect((await me(created.key)).status).toBe(401);
    expect((await me(rotated.key)).status).toBe(200);
    // Only a hash of the key is stored.
    const stored = (await stack.db.query('select secret_hash from gateway.api_keys where key_id = $1', [rotated.keyId])).rows[0].secret_hash as string;
    expect(rotated.key).not.toContain(stored);
    expect(JSON.stringify((await stack.db.query('select * from gateway.api_keys')).rows)).not.toContain(rotated.key.split('_')[2]);

    // Disabling a principal stops its keys and tokens at once; enabling restores the keys.
    expect((await admin('PATCH', `/v1/admin/principals/${supervisor.id}`, { disabled: true })).status).toBe(200);
    expect((await me(rotated.key)).status).toBe(401);
    expect((await me(supervisor.key)).status).toBe(401);
    expect((await admin('PATCH', `/v1/admin/principals/${supervisor.id}`, { disabled: false })).status).toBe(200);
    expect((await me(supervisor.key)).status).toBe(200);
    const shown = (await (await admin('GET', `/v1/admin/principals/${supervisor.id}`)).json()) as { version: number; apiKeys: Array<{ keyId: string; revokedAt: string | null }> };
    expect(shown.version).toBe(3);
    expect(shown.apiKeys.find((k) => k.keyId === created.keyId)?.revokedAt).not.toBeNull();
  });

  it('leaves exactly one audit entry per personal-data read or write, with the actor, the purpose and the records', async () => {
    const { supervisor, agency, admin: regionalAdmin, analyst } = world.principals;
    const f = world.families.in;
    const task = reviewTask(VILLAGE.in);
    const m = merge(VILLAGE.in);
    await produce(stack, TOPICS.reviewTasks, [{ key: task.taskId, value: encodeEvent(TOPICS.reviewTasks, task) }]);
    await produce(stack, TOPICS.personMerged, [{ key: m.mergeId, value: encodeEvent(TOPICS.personMerged, m) }]);
    await readModels(stack, [], [task.taskId], [m.mergeId]);
    const cases: Array<{ name: string; key: string; actor: string; purpose: string; method: string; path: string; body?: unknown; action: string; record: string | null; status: number }> = [
      { name: 'family by id', key: supervisor.key, actor: supervisor.id, purpose: 'verification', method: 'GET', path: `/v1/families/${f.familyId}`, action: 'family.read', record: f.familyId, status: 200 },
      { name: 'search by NIK', key: supervisor.key, actor: supervisor.id, purpose: 'verification', method: 'GET', path: `/v1/persons?nik=${f.members[0].nik}`, action: 'person.search', record: f.members[0].personId, status: 200 },
      { name: 'search by KK', key: regionalAdmin.key, actor: regionalAdmin.id, purpose: 'oversight', method: 'GET', path: `/v1/families?kk=${f.kk}`, action: 'family.search', record: f.familyId, status: 200 },
      { name: 'person eligibility', key: agency.key, actor: agency.id, purpose: 'social-protection', method: 'GET', path: `/v1/persons/${f.members[0].personId}/eligibility`, action: 'eligibility.person.read', record: f.members[0].personId, status: 200 },
      { name: 'family eligibility', key: agency.key, actor: agency.id, purpose: 'social-protection', method: 'GET', path: `/v1/families/${f.familyId}/eligibility`, action: 'eligibility.family.read', record: f.familyId, status: 200 },
      { name: 'submission status', key: supervisor.key, actor: supervisor.id, purpose: 'verification', method: 'GET', path: `/v1/submissions/${world.submissions.in}`, action: 'submission.read', record: world.submissions.in, status: 200 },
      { name: 'review task', key: supervisor.key, actor: supervisor.id, purpose: 'verification', method: 'GET', path: `/v1/review-tasks/${task.taskId}`, action: 'review.read', record: task.taskId, status: 200 },
      { name: 'review decision', key: supervisor.key, actor: supervisor.id, purpose: 'verification', method: 'POST', path: `/v1/review-tasks/${task.taskId}/decision`, body: { decision: 'same' }, action: 'review.decide', record: task.taskId, status: 202 },
      { name: 'merge', key: supervisor.key, actor: supervisor.id, purpose: 'verification', method: 'GET', path: `/v1/merges/${m.mergeId}`, action: 'merge.read', record: m.mergeId, status: 200 },
      { name: 'unmerge', key: supervisor.key, actor: supervisor.id, purpose: 'verification', method: 'POST', path: `/v1/merges/${m.mergeId}/unmerge`, body: { reason: 'audit test' }, action: 'merge.unmerge', record: m.mergeId, status: 202 },
      { name: 'a family outside the region (answered 404)', key: supervisor.key, actor: supervisor.id, purpose: 'verification', method: 'GET', path: `/v1/families/${world.families.out.familyId}`, action: 'family.read', record: world.families.out.familyId, status: 404 },
      { name: 'a role without the permission (403)', key: analyst.key, actor: analyst.id, purpose: 'statistics', method: 'GET', path: `/v1/families/${f.familyId}`, action: 'family.read', record: f.familyId, status: 403 },
    ];
    for (const c of cases) {
      const before = await lastSeq();
      const res = await fetch(`${url}${c.path}`, { method: c.method, headers: as(c.key, { 'x-purpose': c.purpose }), body: c.body === undefined ? undefined : JSON.stringify(c.body) });
      expect(`${c.name}: ${res.status}`).toBe(`${c.name}: ${c.status}`);
      const entries = await entriesAfter(before);
      expect(`${c.name}: ${entries.length} entries`).toBe(`${c.name}: 1 entries`);
      expect(entries[0]).toEqual(expect.objectContaining({ actor_id: c.actor, action: c.action, purpose: c.purpose, status: c.status, ip: expect.stringMatching(/127\.0\.0\.1/) }));
      if (c.record) expect(entries[0].record_ids).toContain(c.record);
      expect(entries[0].outcome).toBe(c.status === 404 ? 'not-found' : c.status === 403 ? 'denied' : 'ok');
    }

    // A write: one entry naming every accepted record; the cadre's purpose by default.
    const before = await lastSeq();
    const res = await fetch(`${url}/v1/submissions`, {
      method: 'POST',
      headers: as(world.principals.cadre.key),
      body: JSON.stringify({ records: [{ idempotencyKey: randomUUID(), family: family({ village: VILLAGE.in }) }, { idempotencyKey: randomUUID(), family: family({ village: VILLAGE.in }) }] }),
    });
    const ids = ((await res.json()) as { records: Array<{ id: string }> }).records.map((r) => r.id);
    const [entry, ...more] = await entriesAfter(before);
    expect(more).toEqual([]);
    expect(entry).toEqual(expect.objectContaining({ actor_id: world.principals.cadre.id, action: 'submission.create', purpose: 'registration', outcome: 'ok', status: 202 }));
    expect(entry.record_ids.sort()).toEqual(ids.sort());

    // Aggregates carry no personal data and leave no entry; a purpose the principal is not granted is refused.
    const quiet = await lastSeq();
    expect((await fetch(`${url}/v1/regions/31.71/counts`, { headers: as(analyst.key) })).status).toBe(200);
    expect(await entriesAfter(quiet)).toEqual([]);
    const wrongPurpose = await fetch(`${url}/v1/families/${f.familyId}`, { headers: as(supervisor.key, { 'x-purpose': 'health' }) });
    expect(wrongPurpose.status).toBe(403);
    expect(((await wrongPurpose.json()) as { error: { code: string } }).error.code).toBe('PURPOSE_NOT_ALLOWED');

    // Admins query the trail by record.
    const trail = (await (await admin('GET', `/v1/admin/audit?record=${f.familyId}`)).json()) as { entries: Array<{ action: string }> };
    expect(trail.entries.map((e) => e.action)).toEqual(expect.arrayContaining(['family.read', 'family.search', 'eligibility.family.read']));
  });

  it('keeps the audit trail append-only, and its hash chain shows tampering', async () => {
    const verify = async () => (await (await admin('GET', '/v1/admin/audit/verify')).json()) as { entries: number; intact: boolean; firstBrokenSeq: number | null };
    expect(await verify()).toEqual(expect.objectContaining({ intact: true, firstBrokenSeq: null }));
    await expect(stack.db.query(`update gateway.audit_log set purpose = 'x' where seq = 2`)).rejects.toThrow(/append-only/);
    await expect(stack.db.query('delete from gateway.audit_log where seq = 2')).rejects.toThrow(/append-only/);
    await expect(stack.db.query('truncate gateway.audit_log')).rejects.toThrow(/append-only/);
    // Someone with the database owner's rights switches the trigger off and edits an entry: the chain breaks there.
    await stack.db.query('alter table gateway.audit_log disable trigger audit_no_change');
    await stack.db.query(`update gateway.audit_log set actor_label = 'someone-else' where seq = 3`);
    await stack.db.query('alter table gateway.audit_log enable trigger audit_no_change');
    expect(await verify()).toEqual(expect.objectContaining({ intact: false, firstBrokenSeq: 3 }));
  });

  it('sends security headers and structured errors without stack traces', async () => {
    const res = await fetch(`${url}/v1/regions/31.71/counts`, { headers: as(world.principals.analyst.key) });
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=/);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('x-powered-by')).toBeNull();
    const bad = await fetch(`${url}/v1/families/${randomUUID()}`, { headers: as(world.principals.supervisor.key, { 'content-type': 'application/json' }), method: 'GET' });
    const text = await bad.text();
    expect(JSON.parse(text)).toEqual({ error: expect.objectContaining({ code: 'FAMILY_NOT_FOUND' }) });
    expect(text).not.toMatch(/at \w+ \(|\.ts:\d+|\.js:\d+/);
  });

  it('limits requests per principal, per address and failed sign-ins per address, counted in Redis across instances', async () => {
    const limits = { RATE_LIMIT_PER_PRINCIPAL: '5', RATE_LIMIT_PER_IP: '40', RATE_LIMIT_AUTH_FAILURES_PER_IP: '3' };
    const a = await stack.start('gateway', { instance: 'limited-a', extraEnv: limits });
    const b = await stack.start('gateway', { instance: 'limited-b', extraEnv: limits });
    const key = world.principals.analyst.key;
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await fetch(`${(i % 2 ? a : b).url}/v1/me`, { headers: as(key) })).status);
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    const limited = await fetch(`${a.url}/v1/me`, { headers: as(key) });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
    // Another principal is not limited by the first one's use.
    expect((await fetch(`${a.url}/v1/me`, { headers: as(world.principals.cadre.key) })).status).toBe(200);
    // Failed sign-ins: the fourth from this address is refused before the key is even looked at.
    const failures: number[] = [];
    for (let i = 0; i < 4; i++) failures.push((await fetch(`${b.url}/v1/me`, { headers: as('spk_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA') })).status);
    expect(failures).toEqual([401, 401, 401, 429]);
    // Per address: after 40 requests from 127.0.0.1 in a minute even public routes answer 429 (health checks excepted).
    let last = 200;
    for (let i = 0; i < 45 && last !== 429; i++) last = (await fetch(`${a.url}/v1/openapi.json`)).status;
    expect(last).toBe(429);
    expect((await fetch(`${a.url}/health/live`)).status).toBe(200);
    await stack.stop('limited-a');
    await stack.stop('limited-b');
  }, 120_000);
});
