import { TOPICS } from '@satupintu/contracts';
import { encodeEvent } from '@satupintu/kafka';
import { family, produce, TestStack } from '@satupintu/testing';
import { randomUUID } from 'node:crypto';
import { ACCESS_MATRIX, MATRIX_ROLES, type MatrixRole } from '../src/auth/access-matrix';
import { merge, readModels, reviewTask, seedWorld, VILLAGE, type Where, type World } from './access-world';

/**
 * The authorisation matrix on the real stack: every role x every endpoint x a record or region
 * inside and outside its regions, each answered as docs/security.md says (ACCESS_MATRIX); and
 * every endpoint refuses a call without credentials.
 */
describe('authorisation matrix', () => {
  const stack = new TestStack('matrix');
  let url: string;
  let world: World;

  beforeAll(async () => {
    await stack.setUp();
    url = (await stack.start('gateway')).url;
    world = await seedWorld(stack, url);
  }, 120_000);

  afterAll(() => stack.tearDown());

  const keyOf = (role: MatrixRole) => (role === 'national admin' ? stack.adminKey : world.principals[role].key);
  /** The region a role's aggregates are asked for: its own (the cadre's village, else 31.71), or one outside (31.72). */
  const regionFor = (role: MatrixRole, where: Where) => (where === 'out' ? '31.72' : role === 'cadre' ? VILLAGE.in : role === 'national admin' ? 'ID' : '31.71');

  async function fresh(kind: 'task' | 'merge', where: Where): Promise<string> {
    if (kind === 'task') {
      const t = reviewTask(VILLAGE[where]);
      await produce(stack, TOPICS.reviewTasks, [{ key: t.taskId, value: encodeEvent(TOPICS.reviewTasks, t) }]);
      await readModels(stack, [], [t.taskId]);
      return t.taskId;
    }
    const m = merge(VILLAGE[where]);
    await produce(stack, TOPICS.personMerged, [{ key: m.mergeId, value: encodeEvent(TOPICS.personMerged, m) }]);
    await readModels(stack, [], [], [m.mergeId]);
    return m.mergeId;
  }

  /** Calls a row's endpoint as `key` (none: anonymous) for a record or region inside or outside, and names the answer. */
  async function call(rowId: string, role: MatrixRole, where: Where, key: string | null): Promise<string> {
    const f = world.families[where];
    const region = regionFor(role, where);
    const send = (method: string, path: string, body?: unknown) =>
      fetch(`${url}${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    // A one-family list of the village inside (an import's rows outside the scope are refused in its report).
    const upload = () =>
      fetch(`${url}/v1/imports?source=matrix-${randomUUID()}`, {
        method: 'POST',
        headers: { 'content-type': 'text/csv', ...(key ? { authorization: `Bearer ${key}` } : {}) },
        body: `NAMA,JK,TGL_LAHIR,HUB_KEL,RT,RW,KODE_DESA,NO_KK\nSiti,P,01/02/1990,1,1,1,${VILLAGE.in},${f.kk}\n`,
      });
    let res: Response;
    let kind: 'plain' | 'search' | 'submit' = 'plain';
    switch (rowId) {
      case 'submit':
        kind = 'submit';
        res = await send('POST', '/v1/submissions', { records: [{ idempotencyKey: randomUUID(), family: family({ village: VILLAGE[where] }) }] });
        break;
      case 'import-create': res = await upload(); break;
      case 'import-list': res = await send('GET', '/v1/imports'); break;
      case 'import-read': {
        const up = await upload();
        const id = up.status === 202 || up.status === 200 ? ((await up.json()) as { id: string }).id : randomUUID();
        res = await send('GET', `/v1/imports/${id}`);
        break;
      }
      case 'submission-status': res = await send('GET', `/v1/submissions/${world.submissions[where]}`); break;
      case 'person-search': kind = 'search'; res = await send('GET', `/v1/persons?nik=${f.members[0].nik}`); break;
      case 'family-search': kind = 'search'; res = await send('GET', `/v1/families?kk=${f.kk}`); break;
      case 'family-read': res = await send('GET', `/v1/families/${f.familyId}`); break;
      case 'person-eligibility': res = await send('GET', `/v1/persons/${f.members[0].personId}/eligibility`); break;
      case 'family-eligibility': res = await send('GET', `/v1/families/${f.familyId}/eligibility`); break;
      case 'region-eligibility': res = await send('GET', `/v1/regions/${region}/eligibility`); break;
      case 'region-counts': res = await send('GET', `/v1/regions/${region}/counts`); break;
      case 'region-indicators': res = await send('GET', `/v1/regions/${region}/indicators?theme=population`); break;
      case 'indicator-catalogue': res = await send('GET', '/v1/indicators'); break;
      case 'campaigns': res = await send('GET', '/v1/campaigns'); break;
      case 'campaign-progress': res = await send('GET', `/v1/campaigns/matrix/progress?region=${region}`); break;
      case 'campaign-define': res = await send('PUT', '/v1/campaigns/matrix', { name: 'Matrix', startsOn: '2026-01-01', endsOn: '2099-12-31' }); break;
      case 'campaign-targets': res = await send('PUT', '/v1/campaigns/matrix/targets', { targets: [{ regionCode: VILLAGE.in, families: 10 }] }); break;
      case 'review-list': res = await send('GET', `/v1/review-tasks?region=${region}`); break;
      case 'review-summary': res = await send('GET', `/v1/review-tasks/summary?region=${region}`); break;
      case 'submission-list': res = await send('GET', `/v1/submissions?region=${region}`); break;
      case 'submission-summary': res = await send('GET', `/v1/submissions/summary?region=${region}`); break;
      case 'dci-senders': res = await send('GET', '/v1/admin/dci/senders'); break;
      case 'review-read': res = await send('GET', `/v1/review-tasks/${world.tasks[where].taskId}`); break;
      case 'review-decide': res = await send('POST', `/v1/review-tasks/${await fresh('task', where)}/decision`, { decision: 'different' }); break;
      case 'merge-read': res = await send('GET', `/v1/merges/${world.merges[where].mergeId}`); break;
      case 'merge-unmerge': res = await send('POST', `/v1/merges/${await fresh('merge', where)}/unmerge`, { reason: 'matrix test' }); break;
      case 'me': res = await send('GET', '/v1/me'); break;
      case 'principals': res = await send('GET', '/v1/admin/principals'); break;
      case 'audit': res = await send('GET', '/v1/admin/audit'); break;
      case 'agency-grants': res = await send('GET', '/v1/admin/agencies'); break;
      case 'own-subscription': res = await send('GET', '/v1/subscription'); break;
      default: throw new Error(`no call for ${rowId}`);
    }
    const body = (await res.json().catch(() => null)) as Record<string, unknown> | null;
    if (res.status === 401) return 'unauthenticated';
    if (res.status === 403) return 'forbidden';
    if (res.status === 404) return 'hidden';
    if (kind === 'submit' && res.status === 202) {
      const r = (body as { records: Array<{ status: string; errors?: Array<{ code: string }> }> }).records[0];
      return r.status === 'accepted' ? 'ok' : r.errors?.[0]?.code === 'OUT_OF_SCOPE' ? 'refused' : `invalid ${r.errors?.[0]?.code}`;
    }
    if (kind === 'search' && res.status === 200) return (((body?.persons ?? body?.families) as unknown[]).length > 0 ? 'ok' : 'hidden');
    if (res.status >= 200 && res.status < 300) return 'ok';
    return `${res.status} ${JSON.stringify(body).slice(0, 200)}`;
  }

  it('answers every role on every endpoint inside and outside its regions as the matrix says', async () => {
    const mismatches: string[] = [];
    let checked = 0;
    for (const row of ACCESS_MATRIX) {
      for (const role of MATRIX_ROLES) {
        for (const [i, where] of (['in', 'out'] as const).entries()) {
          const expected = row.answers[role][i];
          if (expected === '-') continue;
          const actual = await call(row.id, role, where, keyOf(role));
          checked += 1;
          if (actual !== expected) mismatches.push(`${row.endpoint} as ${role} (${where}side): expected ${expected}, got ${actual}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(checked).toBeGreaterThan(180);
  }, 240_000);

  it('refuses every endpoint without credentials, or with an unknown key or a forged token', async () => {
    const bad = ['spk_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl'];
    for (const row of ACCESS_MATRIX) {
      expect(`${row.endpoint}: ${await call(row.id, 'admin', 'in', null)}`).toBe(`${row.endpoint}: unauthenticated`);
      for (const key of bad) expect(`${row.endpoint}: ${await call(row.id, 'admin', 'in', key)}`).toBe(`${row.endpoint}: unauthenticated`);
    }
    for (const open of ['/health/live', '/v1/openapi.json', '/dashboard']) expect((await fetch(`${url}${open}`)).status).toBe(200);
  }, 120_000);

  it('keeps a cadre to its own submissions, even in its village, and a regional admin to granting its own regions', async () => {
    const other = await fetch(`${url}/v1/submissions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${world.principals.admin.key}` },
      body: JSON.stringify({ records: [{ idempotencyKey: randomUUID(), family: family({ village: VILLAGE.in }) }] }),
    });
    const id = ((await other.json()) as { records: Array<{ id: string }> }).records[0].id;
    const asCadre = await fetch(`${url}/v1/submissions/${id}`, { headers: { authorization: `Bearer ${world.principals.cadre.key}` } });
    expect(asCadre.status).toBe(404);
    const asSupervisor = await fetch(`${url}/v1/submissions/${id}`, { headers: { authorization: `Bearer ${world.principals.supervisor.key}` } });
    expect(asSupervisor.status).toBe(200);

    const grant = (regions: string[], role = 'analyst') =>
      fetch(`${url}/v1/admin/principals`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${world.principals.admin.key}` },
        body: JSON.stringify({ label: `grant-${randomUUID().slice(0, 8)}`, kind: 'user', role, regions }),
      });
    expect((await grant(['31.71.01'])).status).toBe(201);
    expect(((await (await grant(['ID'])).json()) as { error: { code: string } }).error.code).toBe('OUT_OF_SCOPE');
    expect(((await (await grant(['31.72'])).json()) as { error: { code: string } }).error.code).toBe('OUT_OF_SCOPE');
    expect(((await (await grant(['31.71'], 'cadre')).json()) as { error: { code: string } }).error.code).toBe('INVALID_SCOPE');
  });
});
