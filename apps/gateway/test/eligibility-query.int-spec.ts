import { TOPICS, type FamilyState } from '@satupintu/contracts';
import { encodeEvent } from '@satupintu/kafka';
import { authFetch, createPrincipal, eventually, familyChanged, familyState, produce, TestStack, yearsAgo } from '@satupintu/testing';

interface Explained {
  programmeId: string;
  programmeVersion: number;
  programme: { name: { id: string; en: string }; agency: string } | null;
  personId: string | null;
  targetUnit: string;
  eligible: boolean;
  criteria: Array<{ criterion: string; value: unknown; passed: boolean; description: string | null }>;
}
interface Counts {
  code: string;
  programmes: Array<{ programmeId: string; eligible: number | null; notEligible: number | null; name: unknown; suppressed?: true }>;
  children: Array<{ code: string; programmes: Array<{ programmeId: string; eligible: number | null; notEligible: number | null; suppressed?: true }> }>;
  minCellSize: number | null;
}

/** Eligibility through the gateway on the real stack: explained decisions, counts per programme and region. */
describe('eligibility query API', () => {
  const stack = new TestStack('elig-query');
  let url: string;

  beforeAll(async () => {
    await stack.setUp();
    await stack.start('eligibility');
    url = (await stack.start('gateway')).url;
  });

  afterAll(() => stack.tearDown());

  const send = (events: ReturnType<typeof familyChanged>[]) =>
    produce(stack, TOPICS.familyChanged, events.map((e) => ({ key: e.familyId, value: encodeEvent(TOPICS.familyChanged, e) })));
  const get = async <T>(path: string) => {
    const res = await authFetch(`${url}${path}`);
    return { status: res.status, body: (await res.json()) as T };
  };
  /** The counts unsuppressed: the test admin holds `aggregate:detail` (the counts here are all small). */
  const kljCounts = async (code: string) => (await get<Counts>(`/v1/regions/${code}/eligibility?programme=klj&detail=true`)).body;

  it('explains every decision of a person and a family, counts them by region, and follows changes and moves', async () => {
    // A Jakarta family in desil 2: the head is 60, the spouse turns 60 tomorrow.
    const v1: FamilyState = { ...familyState('31.71.01.1001', [yearsAgo(60), yearsAgo(60, 1)]), attributes: { welfareDecile: 2 } };
    const [head, spouse] = v1.members;
    await send([familyChanged(null, v1)]);

    // The decisions and the programmes' descriptions come on two topics: wait for both.
    await eventually(async () => {
      const r = await get<{ decisions?: Explained[] }>(`/v1/persons/${spouse.personId}/eligibility`);
      return r.status === 200 && (r.body.decisions ?? []).some((d) => d.programmeId === 'klj' && d.programme !== null);
    });
    const person = (await get<{ familyId: string; decisions: Explained[] }>(`/v1/persons/${spouse.personId}/eligibility`)).body;
    expect(person.familyId).toBe(v1.familyId);
    const klj = person.decisions.find((d) => d.programmeId === 'klj')!;
    expect(klj).toEqual(
      expect.objectContaining({ personId: spouse.personId, targetUnit: 'person', eligible: false, programmeVersion: 1, programme: expect.objectContaining({ agency: 'dinas-sosial-dki' }) }),
    );
    expect(klj.criteria).toEqual([
      { criterion: 'aged-60-plus', value: 59, passed: false, description: 'Aged 60 or more on the evaluation date', group: null },
      expect.objectContaining({ criterion: 'jakarta-resident', value: '31', passed: true }),
      expect.objectContaining({ criterion: 'low-welfare', value: 2, passed: true }),
    ]);
    // The family's own programmes come with the person's: food aid for desil <= 4.
    expect(person.decisions.find((d) => d.programmeId === 'bpnt')).toEqual(expect.objectContaining({ targetUnit: 'family', personId: null, eligible: true }));

    const fam = (await get<{ decisions: Explained[] }>(`/v1/families/${v1.familyId}/eligibility`)).body;
    const kljOf = (decisions: Explained[]) => decisions.filter((d) => d.programmeId === 'klj').map((d) => [d.personId, d.eligible]);
    expect(kljOf(fam.decisions).sort()).toEqual([[head.personId, true], [spouse.personId, false]].sort());

    const district = await kljCounts('31.71');
    expect(district.programmes).toEqual([expect.objectContaining({ programmeId: 'klj', eligible: 1, notEligible: 1, name: { id: 'Kartu Lansia Jakarta', en: 'Jakarta elderly card' } })]);
    expect(district.children).toEqual([{ code: '31.71.01', name: expect.any(String), programmes: [{ programmeId: 'klj', eligible: 1, notEligible: 1 }] }]);
    const nation = (await get<Counts>('/v1/regions/ID/eligibility')).body;
    expect(nation.programmes.map((p) => p.programmeId)).toEqual(['bpnt', 'kjp-plus', 'klj', 'pbi-jkn', 'pkh', 'pmt', 'rtlh']);
    // Without the detail, 1 eligible and 1 not eligible are small cells: hidden in the district and in its child.
    const suppressed = (await get<Counts>('/v1/regions/31.71/eligibility?programme=klj')).body;
    expect(suppressed.minCellSize).toBe(5);
    expect(suppressed.programmes).toEqual([expect.objectContaining({ programmeId: 'klj', eligible: null, notEligible: null, suppressed: true })]);
    expect(suppressed.children[0].programmes).toEqual([{ programmeId: 'klj', eligible: null, notEligible: null, suppressed: true }]);
    expect(nation.programmes.find((p) => p.programmeId === 'klj')).toEqual(expect.objectContaining({ eligible: null, suppressed: true }));
    // The detail is audited; a role without it is refused.
    expect(Number((await stack.db.query(`select count(*)::int as n from gateway.audit_log where action = 'eligibility.detail' and region = '31.71'`)).rows[0].n)).toBeGreaterThan(0);
    const supervisor = await createPrincipal(url, { role: 'supervisor', regions: ['31.71'] });
    const refused = await authFetch(`${url}/v1/regions/31.71/eligibility?detail=true`, { headers: { authorization: `Bearer ${supervisor.key}` } });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/minimum cell size/);
    expect((await authFetch(`${url}/v1/regions/31.71/eligibility`, { headers: { authorization: `Bearer ${supervisor.key}` } })).status).toBe(200);

    // A correction of the spouse's birth date makes them eligible: the counts (cached) follow.
    const v2 = { ...v1, version: 2, members: [head, { ...spouse, birthDate: yearsAgo(60) }] };
    await send([familyChanged(v1, v2)]);
    await eventually(async () => (await kljCounts('31.71')).programmes[0].eligible === 2);
    expect((await kljCounts('31.71.01')).programmes[0]).toEqual(expect.objectContaining({ eligible: 2, notEligible: 0 }));

    // A move to another district of the same city changes no decision, yet the counts move with the family.
    const v3 = { ...v2, version: 3, address: { ...v2.address, villageCode: '31.71.02.1001', districtCode: '31.71.02' } };
    await send([familyChanged(v2, v3)]);
    await eventually(async () => (await kljCounts('31.71')).children.map((c) => c.code).join() === '31.71.02');
    expect((await kljCounts('31.71.01')).programmes[0]).toEqual(expect.objectContaining({ eligible: 0, notEligible: 0 }));
    expect((await kljCounts('31.71.02.1001')).programmes[0]).toEqual(expect.objectContaining({ eligible: 2, notEligible: 0 }));
  });

  it('answers unknown subjects, regions and programmes with structured 4xx errors', async () => {
    const cases: Array<[string, number, string]> = [
      ['/v1/persons/00000000-0000-4000-8000-000000000000/eligibility', 404, 'PERSON_NOT_FOUND'],
      ['/v1/persons/not-a-uuid/eligibility', 404, 'PERSON_NOT_FOUND'],
      ['/v1/families/00000000-0000-4000-8000-000000000000/eligibility', 404, 'FAMILY_NOT_FOUND'],
      ['/v1/regions/99.99/eligibility', 404, 'REGION_NOT_FOUND'],
      ['/v1/regions/31/eligibility?programme=nope', 404, 'PROGRAMME_NOT_FOUND'],
      ['/v1/regions/31/eligibility?programme=DROP%20TABLE', 400, 'INVALID_QUERY'],
      ['/v1/regions/31/eligibility?programme=a&programme=b', 400, 'INVALID_QUERY'],
    ];
    for (const [path, status, code] of cases) {
      const res = await get<{ error: { code: string } }>(path);
      expect([path, res.status, res.body.error.code]).toEqual([path, status, code]);
    }
  });
});
