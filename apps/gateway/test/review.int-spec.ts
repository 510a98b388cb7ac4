import type { FamilyRecord } from '@satupintu/contracts';
import { formatNik } from '@satupintu/domain';
import { authFetch, createPrincipal, eventually, submit, TestStack, type TestPrincipal } from '@satupintu/testing';

interface TaskSummary {
  taskId: string;
  status: string;
  reason: string;
  villageCode: string;
  score: number;
}
interface Task extends TaskSummary {
  a: { personId: string; name: string; nik: string | null };
  b: { personId: string; name: string; nik: string | null };
  fields: Array<{ field: string; a: unknown; b: unknown; same: boolean }>;
  match: { score: number; probability: number; parts: Array<{ comparison: string; level: string | null; weight: number }> };
  decision: { reviewer: string; mergeId: string | null } | null;
}

let serial = 700;
function household(village: string, head: string, wife: string, child: { nik?: string; name: string; birthDate: string; sex: 'M' | 'F' }): FamilyRecord {
  const district = village.slice(0, 8);
  const s = serial++;
  return {
    kk: `${district.replace(/\./g, '')}0303${String(s).padStart(6, '0')}`,
    address: { villageCode: village, rt: '001', rw: '001' },
    members: [
      { nik: formatNik(district, '1979-05-05', 'M', s * 3 + 1), name: head, sex: 'M', birthDate: '1979-05-05', relationship: 1 },
      { nik: formatNik(district, '1983-09-09', 'F', s * 3 + 2), name: wife, sex: 'F', birthDate: '1983-09-09', relationship: 3 },
      { ...child, relationship: 4 },
    ],
  };
}

/** Duplicate review through the gateway on the real stack (gateway, validation, dedup). */
describe('review API', () => {
  const stack = new TestStack('review-api');
  let url: string;
  let supervisor: TestPrincipal;

  beforeAll(async () => {
    await stack.setUp();
    url = (await stack.start('gateway')).url;
    await stack.start('validation');
    await stack.start('dedup');
    // Decisions are made by a supervisor of the regency; the gateway names the caller as reviewer.
    supervisor = await createPrincipal(url, { role: 'supervisor', regions: ['31.01'], label: 'supervisor-31.01' });
  });

  afterAll(() => stack.tearDown());

  const get = async <T>(path: string) => {
    const res = await authFetch(`${url}${path}`);
    return { status: res.status, body: (await res.json()) as T };
  };
  const post = async <T>(path: string, body: unknown) => {
    const res = await authFetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${supervisor.key}` }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as T };
  };
  const send = async (f: FamilyRecord, key: string) => expect((await submit(url, [{ idempotencyKey: key, family: f }])).status).toBe(202);

  it('lists a probable duplicate by region, shows it side by side, merges on "same" and unmerges', async () => {
    const rina = { nik: formatNik('31.01.02', '2011-06-21', 'F', 7001), name: 'Rina Kartika', birthDate: '2011-06-21', sex: 'F' as const };
    const first = household('31.01.02.1001', 'Ahmad Fauzi', 'Nurhayati', rina);
    await send(first, 'review-1');
    // The record with the NIK is in the registry before the one without arrives.
    await eventually(async () => (await stack.db.query('select 1 from registry.persons where nik_index = $1', [stack.index('nik', rina.nik!)])).rowCount === 1, 90_000);
    await send(household('31.01.01.1002', 'Eko Saputra', 'Fitri Handayani', { name: 'Rina Kartika', birthDate: '2011-06-21', sex: 'F' }), 'review-2');

    const listed = await eventually(async () => (await get<{ tasks: TaskSummary[] }>('/v1/review-tasks?region=31.01')).body.tasks.find((t) => t.villageCode === '31.01.01.1002'), 90_000);
    expect(listed).toEqual(expect.objectContaining({ status: 'open', reason: 'probable-match' }));
    expect((await get<{ tasks: TaskSummary[] }>('/v1/review-tasks?region=31.01.01.1002')).body.tasks.map((t) => t.taskId)).toContain(listed.taskId);
    expect((await get<{ tasks: TaskSummary[] }>('/v1/review-tasks?region=31.01.02')).body.tasks.map((t) => t.taskId)).not.toContain(listed.taskId);
    expect((await get<{ tasks: TaskSummary[] }>('/v1/review-tasks?region=32')).body.tasks).toEqual([]);

    const task = (await get<Task>(`/v1/review-tasks/${listed.taskId}`)).body;
    expect(task.a).toEqual(expect.objectContaining({ name: 'Rina Kartika', nik: rina.nik }));
    expect(task.b).toEqual(expect.objectContaining({ name: 'Rina Kartika', nik: null }));
    expect(task.fields.find((f) => f.field === 'birthDate')).toEqual({ field: 'birthDate', a: '2011-06-21', b: '2011-06-21', same: true });
    expect(task.fields.find((f) => f.field === 'villageCode')).toEqual({ field: 'villageCode', a: '31.01.02.1001', b: '31.01.01.1002', same: false });
    const parts = Object.fromEntries(task.match.parts.map((p) => [p.comparison, p]));
    expect(parts.name).toEqual(expect.objectContaining({ level: 'exact' }));
    expect(parts.region).toEqual(expect.objectContaining({ level: 'same-regency' }));
    expect(parts.region.weight).toBeLessThan(0);
    expect(task.match.parts.reduce((s, p) => s + p.weight, 0)).toBeCloseTo(task.match.score, 2);

    expect((await post(`/v1/review-tasks/${listed.taskId}/decision`, { decision: 'maybe', reviewer: 'spv' })).status).toBe(400);
    const accepted = await post<{ status: string }>(`/v1/review-tasks/${listed.taskId}/decision`, { decision: 'same', reviewer: 'supervisor-31.01', note: 'one child, checked at the school' });
    expect(accepted).toEqual({ status: 202, body: expect.objectContaining({ status: 'accepted', decision: 'same' }) });
    expect((await post<{ error: { code: string } }>(`/v1/review-tasks/${listed.taskId}/decision`, { decision: 'different', reviewer: 'someone' })).body.error.code).toBe('DECISION_PENDING');

    const decided = await eventually(async () => {
      const t = (await get<Task>(`/v1/review-tasks/${listed.taskId}`)).body;
      return t.status === 'same' && t.decision?.mergeId ? t : undefined;
    }, 60_000);
    expect(decided.decision).toEqual(expect.objectContaining({ reviewer: 'supervisor-31.01' }));
    expect((await post<{ error: { code: string } }>(`/v1/review-tasks/${listed.taskId}/decision`, { decision: 'different', reviewer: 'x' })).body.error.code).toBe('TASK_NOT_OPEN');
    const mergeId = decided.decision!.mergeId!;
    const merge = await eventually(async () => {
      const r = await get<{ survivorId: string; mergedId: string; decidedBy: unknown; unmergedAt: string | null }>(`/v1/merges/${mergeId}`);
      return r.status === 200 ? r.body : undefined;
    });
    expect(merge).toEqual(expect.objectContaining({ survivorId: task.a.personId, mergedId: task.b.personId, decidedBy: { type: 'review', taskId: listed.taskId, reviewer: 'supervisor-31.01' }, unmergedAt: null }));
    expect((await get<{ tasks: TaskSummary[] }>('/v1/review-tasks?region=31.01')).body.tasks.map((t) => t.taskId)).not.toContain(listed.taskId);

    expect((await post(`/v1/merges/${mergeId}/unmerge`, { reviewer: 'supervisor-31.01' })).status).toBe(400);
    expect((await post(`/v1/merges/${mergeId}/unmerge`, { reviewer: 'supervisor-31.01', reason: 'twins after all' })).status).toBe(202);
    await eventually(async () => (await get<{ unmergedAt: string | null }>(`/v1/merges/${mergeId}`)).body.unmergedAt !== null, 60_000);
    expect((await post<{ error: { code: string } }>(`/v1/merges/${mergeId}/unmerge`, { reviewer: 'x', reason: 'again' })).body.error.code).toBe('ALREADY_UNMERGED');
    const { rows } = await stack.db.query('select count(*)::int as n from registry.persons where merged_into is null and id = any($1)', [[task.a.personId, task.b.personId]]);
    expect(rows[0].n).toBe(2);
  });

  it('answers unknown ids, regions and bad queries with structured 4xx errors', async () => {
    const code = async (p: string) => ((await get<{ error: { code: string } }>(p)).body.error.code);
    expect(await code('/v1/review-tasks/00000000-0000-4000-8000-000000000000')).toBe('TASK_NOT_FOUND');
    expect(await code('/v1/review-tasks/not-a-uuid')).toBe('TASK_NOT_FOUND');
    expect(await code('/v1/merges/00000000-0000-4000-8000-000000000000')).toBe('MERGE_NOT_FOUND');
    expect(await code('/v1/review-tasks?region=99.99')).toBe('REGION_NOT_FOUND');
    expect(await code('/v1/review-tasks?status=closed')).toBe('INVALID_QUERY');
    expect(await code('/v1/review-tasks?after=yesterday')).toBe('INVALID_QUERY');
    expect((await post<{ error: { code: string } }>('/v1/review-tasks/00000000-0000-4000-8000-000000000000/decision', { decision: 'same', reviewer: 'x' })).status).toBe(404);
    expect((await post<{ error: { code: string } }>('/v1/merges/00000000-0000-4000-8000-000000000000/unmerge', { reviewer: 'x', reason: 'y' })).status).toBe(404);
  });
});
