import type { FamilyChangedV1, FamilyState } from '@satupintu/contracts';
import { whoGrowthTables } from '@satupintu/domain';
import { planChanges, recount, type CountedFamily, type CountingSettings } from './region-deltas';

const FAMILY = '00000000-0000-4000-8000-000000000001';
const settings: CountingSettings = { timeZone: 'Asia/Jakarta', campaigns: [], growth: whoGrowthTables() };

const state = (village: string, members: number, version = 1): FamilyState => {
  const [p, r, d] = village.split('.');
  return {
    familyId: FAMILY,
    kk: '1',
    version,
    address: { villageCode: village, districtCode: `${p}.${r}.${d}`, regencyCode: `${p}.${r}`, provinceCode: p, rt: '1', rw: '1' },
    members: Array.from({ length: members }, (_, i) => ({ personId: `00000000-0000-4000-8000-00000000000${i}`, nik: null, name: 'x', sex: 'M' as const, birthDate: '1990-01-01', relationship: i === 0 ? 1 : 4, attributes: {} })),
    attributes: {},
  };
};

const event = (before: FamilyState | null, after: FamilyState, occurredAt = '2026-07-10T03:00:00.000Z'): FamilyChangedV1 => ({
  eventId: '00000000-0000-4000-8000-0000000000ee',
  occurredAt,
  familyId: FAMILY,
  version: after.version,
  cause: { type: 'submission', recordId: '00000000-0000-4000-8000-0000000000aa', revision: 1 },
  before,
  after,
  diff: [],
});

const counted = (plan: ReturnType<typeof planChanges>) => new Map([...plan.families].map(([k, v]) => [k, v!] as [string, CountedFamily]));

describe('planChanges', () => {
  it('adds a new family to its village and every ancestor up to the country', () => {
    const plan = planChanges(new Map(), [event(null, state('31.01.01.1001', 3))], settings);
    expect([...plan.deltas.keys()]).toEqual(['31.01.01.1001', '31.01.01', '31.01', '31', 'ID']);
    expect(plan.deltas.get('31.01')).toEqual(expect.objectContaining({ level: 'regency', parentCode: '31' }));
    expect(plan.deltas.get('ID')!.counters).toEqual(expect.objectContaining({ families: 1, persons: 3, 'persons.M': 3 }));
  });

  it('moves a family between villages of one district: the district does not change', () => {
    const first = planChanges(new Map(), [event(null, state('31.01.01.1001', 3))], settings);
    const plan = planChanges(counted(first), [event(state('31.01.01.1001', 3), state('31.01.01.1002', 3, 2))], settings);
    expect(plan.deltas.get('31.01.01.1001')!.counters).toEqual(expect.objectContaining({ families: -1, persons: -3 }));
    expect(plan.deltas.get('31.01.01.1002')!.counters).toEqual(expect.objectContaining({ families: 1, persons: 3 }));
    expect(plan.deltas.has('31.01.01')).toBe(false);
  });

  it('ignores an event whose version was already counted (a replay), even in the same batch', () => {
    const create = event(null, state('31.01.01.1001', 3));
    const first = planChanges(new Map(), [create, create], settings);
    expect(first.replayed).toBe(1);
    expect(first.deltas.get('ID')!.counters.families).toBe(1);
    const again = planChanges(counted(first), [create], settings);
    expect(again.deltas.size).toBe(0);
    expect(again.replayed).toBe(1);
  });

  it('counts a member who joins as one person more, and takes ages on the day the version was recorded', () => {
    const first = planChanges(new Map(), [event(null, state('31.01.01.1001', 3))], settings);
    const plan = planChanges(counted(first), [event(state('31.01.01.1001', 3), state('31.01.01.1001', 4, 2))], settings);
    expect(plan.deltas.get('31.01.01.1001')!.counters).toEqual({ persons: 1, 'persons.M': 1, 'pop.M.35-39': 1 });
    expect(plan.families.get(FAMILY)!.recordedOn).toBe('2026-07-10');
  });

  it('uses the event\'s before for a family it never counted', () => {
    const plan = planChanges(new Map(), [event(state('31.01.01.1001', 3), state('31.01.01.1001', 2, 2))], settings);
    expect(plan.deltas.get('31.01.01.1001')!.counters).toEqual(expect.objectContaining({ persons: -1 }));
  });

  it('counts a family in a campaign by the first day it was submitted in the window; recounts when a window changes', () => {
    const withCampaign = { ...settings, campaigns: [{ id: 'pk-26', startsOn: '2026-07-01', endsOn: '2026-07-31' }] };
    const first = planChanges(new Map(), [event(null, state('31.01.01.1001', 3), '2026-06-30T03:00:00.000Z')], withCampaign);
    expect(first.deltas.get('ID')!.counters['cmp.pk-26']).toBeUndefined();
    const plan = planChanges(counted(first), [event(state('31.01.01.1001', 3), state('31.01.01.1001', 3, 2), '2026-07-02T03:00:00.000Z')], withCampaign);
    expect(plan.deltas.get('ID')!.counters).toEqual({ 'cmp.pk-26': 1, 'cmp.pk-26.2026-07-02': 1 });
    const wider = recount(counted(plan).values(), { ...settings, campaigns: [{ id: 'pk-26', startsOn: '2026-06-01', endsOn: '2026-07-31' }] });
    expect(wider.deltas.get('ID')!.counters).toEqual({ 'cmp.pk-26.2026-06-30': 1, 'cmp.pk-26.2026-07-02': -1 });
  });

  it('counts a submission for collection on the day it was recorded in the field, when the app said', () => {
    const withCampaign = { ...settings, campaigns: [{ id: 'pk-26', startsOn: '2026-07-01', endsOn: '2026-07-31' }] };
    const recorded = { ...event(null, state('31.01.01.1001', 3), '2026-07-20T03:00:00.000Z'), cause: { type: 'submission' as const, recordId: '00000000-0000-4000-8000-0000000000aa', revision: 1, collectedOn: '2026-07-04' } };
    const plan = planChanges(new Map(), [recorded], withCampaign);
    expect(plan.deltas.get('ID')!.counters).toEqual(expect.objectContaining({ 'cmp.pk-26': 1, 'cmp.pk-26.2026-07-04': 1 }));
    expect(plan.deltas.get('ID')!.counters['cmp.pk-26.2026-07-20']).toBeUndefined();
    // Recorded before the window opened, sent during it: not counted for the campaign.
    const early = { ...recorded, cause: { ...recorded.cause, collectedOn: '2026-06-28' } };
    expect(planChanges(new Map(), [early], withCampaign).deltas.get('ID')!.counters['cmp.pk-26']).toBeUndefined();
  });
});
