import { TOPICS, type EligibilityDecisionChangedV1, type FamilyChangedV1 } from '@satupintu/contracts';
import { authFetch, eventually, family, submit, TestStack, TopicTap } from '@satupintu/testing';

/** End to end on the real stack: HTTP submission -> registry -> aggregates -> eligibility event. */
describe('pipeline end to end', () => {
  const stack = new TestStack('e2e');
  let gateway: string;
  let changes: TopicTap<FamilyChangedV1>;
  let decisions: TopicTap<EligibilityDecisionChangedV1>;

  beforeAll(async () => {
    await stack.setUp();
    const g = await stack.start('gateway');
    gateway = g.url;
    await Promise.all([stack.start('validation'), stack.start('dedup'), stack.start('aggregation'), stack.start('eligibility')]);
    changes = await new TopicTap<FamilyChangedV1>(stack, TOPICS.familyChanged).start();
    decisions = await new TopicTap<EligibilityDecisionChangedV1>(stack, TOPICS.eligibilityDecisionChanged).start();
  });

  afterAll(async () => {
    await changes?.stop();
    await decisions?.stop();
    await stack.tearDown();
  });

  const elderly = { ...family({ members: 2, village: '31.01.01.1001', headBirthDate: '1950-01-20' }), welfareDecile: 2 };
  const young = family({ members: 4, village: '31.01.01.1002', headBirthDate: '1990-07-07' });
  const other = family({ members: 3, village: '31.01.02.1001', headBirthDate: '1985-02-02' });
  const broken = { ...family({ members: 2 }), kk: '123' };
  const batch = [
    { idempotencyKey: 'e2e-1', family: elderly },
    { idempotencyKey: 'e2e-2', family: young },
    { idempotencyKey: 'e2e-3', family: other },
    { idempotencyKey: 'e2e-4', family: broken },
    { family: elderly },
  ];

  let ids: string[] = [];

  it('accepts the batch record by record: 202 with one id per accepted record', async () => {
    const res = await submit(gateway, batch, undefined, { 'x-correlation-id': 'e2e-corr-1' });
    expect(res.status).toBe(202);
    expect(res.headers.get('x-correlation-id')).toBe('e2e-corr-1');
    expect(res.body.records.map((r) => r.status)).toEqual(['accepted', 'accepted', 'accepted', 'accepted', 'invalid']);
    ids = res.body.records.slice(0, 4).map((r) => r.id as string);
    expect(new Set(ids).size).toBe(4);
  });

  it('registers the valid families and rejects the invalid one with its reasons', async () => {
    for (const id of ids.slice(0, 3)) {
      const status = await eventually(async () => {
        const s = (await (await authFetch(`${gateway}/v1/submissions/${id}`)).json()) as { status: string; trail: Array<{ status: string }> };
        return s.status === 'registered' ? s : undefined;
      });
      expect(status.trail.map((t) => t.status)).toEqual(['received', 'validated', 'registered']);
    }
    const rejected = await eventually(async () => {
      const s = (await (await authFetch(`${gateway}/v1/submissions/${ids[3]}`)).json()) as { status: string; trail: Array<{ status: string; errors?: Array<{ code: string; path: string }> }> };
      return s.status === 'rejected' ? s : undefined;
    });
    expect(rejected.trail[1].errors).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'KK_FORMAT', path: 'kk' })]));
    const { rows } = await stack.db.query('select kk_index, version from registry.families');
    expect(rows.map((r) => r.kk_index).sort()).toEqual([elderly.kk, young.kk, other.kk].map((kk) => stack.index('kk', kk)).sort());
    expect(rows.every((r) => r.version === 1)).toBe(true);
  });

  it('updates the aggregates at every level, readable through the gateway', async () => {
    const regency = await eventually(async () => {
      const body = (await (await authFetch(`${gateway}/v1/regions/31.01/counts`)).json()) as { families: number; persons: number; children: Array<{ code: string; families: number; persons: number }> };
      return body.families === 3 ? body : undefined;
    });
    expect(regency.persons).toBe(2 + 4 + 3);
    expect(regency.children).toEqual([
      expect.objectContaining({ code: '31.01.01', families: 2, persons: 6 }),
      expect.objectContaining({ code: '31.01.02', families: 1, persons: 3 }),
    ]);
    // Each region's counts arrive as a message of their own: the province's may come after the regency's.
    const province = await eventually(async () => {
      const body = (await (await authFetch(`${gateway}/v1/regions/31/counts`)).json()) as { families: number };
      return body.families === 3 ? body : undefined;
    });
    expect(province.families).toBe(3);
  });

  it('publishes the eligibility decisions that became true: the elderly card for the head, family aid', async () => {
    const head = elderly.members[0].nik;
    const decision = await eventually(() => decisions.messages.find((m) => m.value.programmeId === 'klj'));
    await eventually(() => decisions.messages.length === 3);
    // The elderly head in desil 2: the elderly card, and for the family food aid and PKH (elderly component).
    expect(decisions.messages.map((m) => [m.value.programmeId, m.value.targetUnit, m.value.eligible]).sort()).toEqual([
      ['bpnt', 'family', true],
      ['klj', 'person', true],
      ['pkh', 'family', true],
    ]);
    const registered = await stack.db.query('select id from registry.persons where nik_index = $1', [stack.index('nik', head!)]);
    expect(decision.value.personId).toBe(registered.rows[0].id);
    expect(decision.value.criteria).toEqual([
      { criterion: 'aged-60-plus', value: expect.any(Number), passed: true },
      { criterion: 'jakarta-resident', value: '31', passed: true },
      { criterion: 'low-welfare', value: 2, passed: true },
    ]);
    expect(decision.key).toBe(decision.value.familyId);
  });

  it('carries the request correlation id through every topic to the last event', async () => {
    const change = await eventually(() => changes.messages.find((m) => m.value.after?.kk === elderly.kk));
    expect(change.headers['correlation-id']).toBe('e2e-corr-1');
    const decision = decisions.messages.find((m) => m.value.familyId === change.value.familyId)!;
    expect(decision.headers['correlation-id']).toBe('e2e-corr-1');
  });

  it('changes nothing when the same batch is submitted again', async () => {
    await eventually(() => changes.messages.length === 3 && decisions.messages.length === 3);
    const before = await stack.db.query('select id, version from registry.families order by id');
    const again = await submit(gateway, batch);
    expect(again.status).toBe(202);
    expect(again.body.records.map((r) => r.status)).toEqual(['unchanged', 'unchanged', 'unchanged', 'unchanged', 'invalid']);
    expect(again.body.records.slice(0, 4).map((r) => r.id)).toEqual(ids);
    // The same content under new keys (a second device) reaches the registry but changes no family.
    const resent = await submit(gateway, batch.slice(0, 3).map((r, i) => ({ ...r, idempotencyKey: `e2e-again-${i}` })));
    for (const r of resent.body.records) {
      await eventually(async () => ((await (await authFetch(`${gateway}/v1/submissions/${r.id}`)).json()) as { status: string }).status === 'registered');
    }
    const after = await stack.db.query('select id, version from registry.families order by id');
    expect(after.rows).toEqual(before.rows);
    expect(changes.messages).toHaveLength(3);
    expect(decisions.messages).toHaveLength(3);
    const counts = (await (await authFetch(`${gateway}/v1/regions/31.01/counts`)).json()) as { families: number; persons: number };
    expect(counts).toEqual(expect.objectContaining({ families: 3, persons: 9 }));
  });
});
