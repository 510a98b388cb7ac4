import type { FamilyState, MemberState } from '@satupintu/contracts';
import { whoGrowthTables } from '../growth/who-growth';
import { INDICATORS, INDICATORS_BY_ID, THEMES, indicatorValue } from './catalogue';
import { addCounters, counterDelta, familyCounters, type CountingContext } from './family-counters';

const ctx: CountingContext = { recordedOn: '2026-07-10', submissionDays: ['2026-07-10'], campaigns: [], growth: whoGrowthTables() };
let n = 0;
const member = (sex: 'M' | 'F', birthDate: string, relationship: number, attributes: MemberState['attributes'] = {}): MemberState => ({
  personId: `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
  nik: null,
  name: 'x',
  sex,
  birthDate,
  relationship,
  attributes,
});
const family = (members: MemberState[], attributes: FamilyState['attributes'] = {}): FamilyState => ({
  familyId: '00000000-0000-4000-8000-000000000001',
  kk: '1',
  version: 1,
  address: { villageCode: '31.71.01.1001', districtCode: '31.71.01', regencyCode: '31.71', provinceCode: '31', rt: '1', rw: '1' },
  members,
  attributes,
});

describe('the indicator catalogue', () => {
  it('covers the 13 themes, with unique ids and labels in both languages', () => {
    expect(new Set(INDICATORS.map((i) => i.theme))).toEqual(new Set(THEMES));
    expect(INDICATORS_BY_ID.size).toBe(INDICATORS.length);
    for (const i of INDICATORS) expect(i.label.id && i.label.en && i.definition.numerator.id && i.definition.numerator.en).toBeTruthy();
  });

  it('computes percentages and ratios from counters, null over an empty denominator', () => {
    expect(indicatorValue(INDICATORS_BY_ID.get('stunting.stunting')!, { 'child.stunted': 1, 'child.haz-valid': 3 })).toEqual({ id: 'stunting.stunting', numerator: 1, denominator: 3, value: 33.33 });
    expect(indicatorValue(INDICATORS_BY_ID.get('population.family-size')!, { persons: 7, families: 2 }).value).toBe(3.5);
    expect(indicatorValue(INDICATORS_BY_ID.get('stunting.wasting')!, {}).value).toBeNull();
  });
});

describe('familyCounters', () => {
  it('counts persons by sex and five-year age group on the recorded day', () => {
    const c = familyCounters(family([member('M', '1986-07-11', 1), member('F', '1990-01-01', 3), member('F', '1950-01-01', 7)]), ctx);
    expect(c).toEqual(expect.objectContaining({ families: 1, persons: 3, 'persons.M': 1, 'persons.F': 2, 'pop.M.35-39': 1, 'pop.F.35-39': 1, 'pop.F.75+': 1, 'soc.elderly': 1 }));
  });

  it('classifies a measured child with the WHO z-scores (stunted: 365-day boy, 68 cm lying: z -3.25)', () => {
    // L 1, M 75.7391, S 0.03137: (68 / 75.7391 - 1) / 0.03137 = -3.257
    const child = member('M', '2025-07-01', 4, { measurement: { measuredOn: '2026-07-01', heightCm: 68, weightKg: 8.9, position: 'lying' } });
    const c = familyCounters(family([member('F', '1995-01-01', 1), child]), ctx);
    expect(c).toEqual(expect.objectContaining({ 'child.under5': 1, 'child.haz-valid': 1, 'child.stunted': 1, 'child.severely-stunted': 1, 'child.waz-valid': 1 }));
    expect(c['child.underweight']).toBeUndefined();
  });

  it('leaves implausible measurements out of the prevalence and counts them as flagged', () => {
    const child = member('M', '2025-07-01', 4, { measurement: { measuredOn: '2026-07-01', heightCm: 40, position: 'lying' } });
    const c = familyCounters(family([member('F', '1995-01-01', 1), child]), ctx);
    expect(c['child.flagged']).toBe(1);
    expect(c['child.haz-valid']).toBeUndefined();
  });

  it('counts a couple of reproductive age and its contraception, housing criteria and access', () => {
    const c = familyCounters(
      family([member('M', '1985-01-01', 1, { maritalStatus: 'kawin' }), member('F', '1988-01-01', 3, { maritalStatus: 'kawin' })], {
        familyPlanning: { contraception: true },
        housing: { floorAreaM2: 10, sanitation: 'jamban-sendiri', drinkingWater: 'sungai' },
        internetAccess: false,
        transport: { mainMode: 'angkutan-umum', motorVehicle: false },
      }),
      ctx,
    );
    expect(c).toEqual(expect.objectContaining({ 'fp.pus': 1, 'fp.pus-known': 1, 'fp.pus-contraception': 1, 'house.rtlh': 1, 'env.water-unprotected': 1, 'it.internet-known': 1, 'transport.public': 1 }));
    expect(c['it.internet']).toBeUndefined();
  });

  it('turns counters into deltas and back', () => {
    const a = { x: 2, y: 1 };
    const b = { x: 3, z: 4 };
    expect(counterDelta(a, b)).toEqual({ x: 1, y: -1, z: 4 });
    expect(addCounters({ ...a }, counterDelta(a, b))).toEqual(b);
  });
});
