import type { FamilyAttributes, FamilyState, MemberAttributes } from '@satupintu/contracts';
import fc from 'fast-check';
import { whoGrowthTables } from '../growth/who-growth';
import { loadProgrammes } from './default-programmes';
import { evaluateFamily, parseProgramme, type Decision } from './programme';

const growth = whoGrowthTables();
const ON = '2026-11-22';
const programmes = loadProgrammes();
const byId = (id: string) => programmes.filter((p) => p.id === id);

let n = 0;
const id = () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
type M = { birthDate: string; sex?: 'M' | 'F'; relationship?: number; attributes?: MemberAttributes };
function family(members: M[], attributes: FamilyAttributes = { welfareDecile: 3 }, village = '31.71.01.1001'): FamilyState {
  const [p, r, d] = village.split('.');
  return {
    familyId: id(),
    kk: '3171010101200001',
    version: 1,
    address: { villageCode: village, districtCode: `${p}.${r}.${d}`, regencyCode: `${p}.${r}`, provinceCode: p, rt: '001', rw: '001' },
    members: members.map((m, i) => ({ personId: id(), nik: null, name: `P${i}`, sex: m.sex ?? 'M', birthDate: m.birthDate, relationship: m.relationship ?? (i === 0 ? 1 : 4), attributes: m.attributes ?? {} })),
    attributes,
  };
}
const decisions = (programme: string, f: FamilyState, on = ON) => evaluateFamily(f, byId(programme), on, growth);
const eligible = (ds: Decision[]) => ds.map((d) => d.eligible);

describe('the default programmes', () => {
  it('are the seven of the domain, each with an owning agency and a version', () => {
    expect(programmes.map((p) => p.id).sort()).toEqual(['bpnt', 'kjp-plus', 'klj', 'pbi-jkn', 'pkh', 'pmt', 'rtlh']);
    for (const p of programmes) expect(p.agency.length).toBeGreaterThan(0);
  });
});

describe('KLJ (elderly card): 60+, Jakarta, desil 1-4', () => {
  it.each([
    ['the day before the 60th birthday', '1966-11-23', { welfareDecile: 3 }, '31.71.01.1001', false],
    ['on the 60th birthday', '1966-11-22', { welfareDecile: 3 }, '31.71.01.1001', true],
    ['aged 75', '1951-01-01', { welfareDecile: 3 }, '31.71.01.1001', true],
    ['desil 5', '1950-01-01', { welfareDecile: 5 }, '31.71.01.1001', false],
    ['desil unknown', '1950-01-01', {}, '31.71.01.1001', false],
    ['outside Jakarta', '1950-01-01', { welfareDecile: 2 }, '32.01.01.2001', false],
  ])('%s', (_n, birth, attributes, village, expected) => {
    const [d] = decisions('klj', family([{ birthDate: birth }], attributes, village));
    expect(d.eligible).toBe(expected);
  });

  it('explains each criterion with the value seen', () => {
    const [d] = decisions('klj', family([{ birthDate: '1966-11-23' }], { welfareDecile: 4 }));
    expect(d.criteria).toEqual([
      { criterion: 'aged-60-plus', value: 59, passed: false },
      { criterion: 'jakarta-resident', value: '31', passed: true },
      { criterion: 'low-welfare', value: 4, passed: true },
    ]);
    const [unknown] = decisions('klj', family([{ birthDate: '1950-01-01' }], {}));
    expect(unknown.criteria[2]).toEqual({ criterion: 'low-welfare', value: null, passed: false });
  });
});

describe('KJP Plus (school aid): 6-21, in school or dropped out, Jakarta, low income', () => {
  it.each([
    ['aged 5', '2021-01-01', 'masih-sekolah', false],
    ['turns 6 today', '2020-11-22', 'masih-sekolah', true],
    ['aged 21', '2005-06-01', 'tidak-sekolah-lagi', true],
    ['aged 22', '2004-06-01', 'masih-sekolah', false],
    ['never attended', '2012-01-01', 'tidak-pernah', false],
  ])('%s', (_n, birth, school, expected) => {
    const f = family([{ birthDate: '1980-01-01' }, { birthDate: birth, attributes: { schoolParticipation: school as MemberAttributes['schoolParticipation'] } }]);
    expect(decisions('kjp-plus', f)[1].eligible).toBe(expected);
  });
});

describe('PKH (conditional cash): desil 1-3 and at least one component', () => {
  it.each([
    ['a pregnant wife', [{ birthDate: '1990-01-01' }, { birthDate: '1992-01-01', sex: 'F' as const, relationship: 3, attributes: { pregnant: true } }], 2, true],
    ['a child of 6', [{ birthDate: '1990-01-01' }, { birthDate: '2020-11-22' }], 2, true],
    ['an elderly parent', [{ birthDate: '1990-01-01' }, { birthDate: '1950-01-01', relationship: 7 }], 3, true],
    ['a severe disability', [{ birthDate: '1990-01-01', attributes: { disability: { type: 'fisik' as const, severity: 'berat' as const } } }], 1, true],
    ['no component', [{ birthDate: '1990-01-01' }, { birthDate: '1992-01-01', sex: 'F' as const, relationship: 3 }], 1, false],
    ['a component but desil 4', [{ birthDate: '1990-01-01' }, { birthDate: '2022-01-01' }], 4, false],
  ])('%s', (_n, members, desil, expected) => {
    const ds = decisions('pkh', family(members, { welfareDecile: desil }));
    expect(ds).toHaveLength(1);
    expect(ds[0].personId).toBeNull();
    expect(ds[0].eligible).toBe(expected);
  });
});

describe('BPNT (food aid): desil 1-4', () => {
  it.each([[1, true], [4, true], [5, false]])('desil %i -> %s', (desil, expected) => {
    expect(eligible(decisions('bpnt', family([{ birthDate: '1980-01-01' }], { welfareDecile: desil })))).toEqual([expected]);
  });
});

describe('PBI-JKN: poor or vulnerable, without paid JKN', () => {
  it.each([
    ['uninsured, desil 2', 'tidak-ada', 2, true],
    ['already PBI', 'jkn-pbi', 2, false],
    ['pays JKN', 'jkn-mandiri', 2, false],
    ['uninsured, desil 6', 'tidak-ada', 6, false],
    ['insurance unknown', undefined, 2, false],
  ])('%s', (_n, insurance, desil, expected) => {
    const f = family([{ birthDate: '1980-01-01', attributes: insurance ? { healthInsurance: insurance as MemberAttributes['healthInsurance'] } : {} }], { welfareDecile: desil });
    expect(eligible(decisions('pbi-jkn', f))).toEqual([expected]);
  });
});

describe('PMT (supplementary food): stunted under five, or pregnant with MUAC < 23.5 cm', () => {
  // Boy born 2023-11-22, measured 2026-11-01 (1075 days): WHO median 95.63 cm, -2 SD at 88.28 cm.
  const child = (heightCm: number) => ({ birthDate: '2023-11-22', attributes: { measurement: { measuredOn: '2026-11-01', heightCm, weightKg: 13 } } });
  it('crosses -2 between 88.0 and 88.6 cm', () => {
    const [, short] = decisions('pmt', family([{ birthDate: '1990-01-01' }, child(88.0)]));
    const [, tall] = decisions('pmt', family([{ birthDate: '1990-01-01' }, child(88.6)]));
    expect((short.criteria[0].value as Record<string, number>)['person.heightForAgeZ']).toBeLessThan(-2);
    expect((tall.criteria[0].value as Record<string, number>)['person.heightForAgeZ']).toBeGreaterThan(-2);
    expect([short.eligible, tall.eligible]).toEqual([true, false]);
  });

  it.each([
    ['MUAC 22 cm', 22, true],
    ['MUAC 23.5 cm', 23.5, false],
  ])('a pregnant woman with %s', (_n, muac, expected) => {
    const f = family([{ birthDate: '1990-01-01' }, { birthDate: '1995-01-01', sex: 'F', relationship: 3, attributes: { pregnant: true, measurement: { measuredOn: '2026-11-01', muacCm: muac } } }]);
    expect(decisions('pmt', f)[1].eligible).toBe(expected);
  });

  it('does not take a child without a measurement', () => {
    expect(decisions('pmt', family([{ birthDate: '1990-01-01' }, { birthDate: '2024-01-01' }]))[1].eligible).toBe(false);
  });
});

describe('RTLH (house renovation): own house and a poor condition', () => {
  it.each([
    ['earth floor', { ownership: 'milik-sendiri', floor: 'tanah' }, 2, true],
    ['7.0 m2 per person', { ownership: 'milik-sendiri', floor: 'keramik', floorAreaM2: 14 }, 2, true],
    ['7.2 m2 per person', { ownership: 'milik-sendiri', floor: 'keramik', floorAreaM2: 14.4, sanitation: 'jamban-sendiri' }, 2, false],
    ['no latrine', { ownership: 'milik-sendiri', sanitation: 'tidak-ada' }, 2, true],
    ['rented', { ownership: 'sewa', floor: 'tanah' }, 2, false],
  ])('%s', (_n, housing, members, expected) => {
    const f = family(Array.from({ length: members }, (_, i) => ({ birthDate: `19${80 + i}-01-01` })), { housing: housing as FamilyAttributes['housing'] });
    expect(eligible(decisions('rtlh', f))).toEqual([expected]);
  });
});

describe('programme definitions', () => {
  it.each([
    [{ id: 'x', version: 1 }, /name|agency/],
    [{ ...byId('klj')[0], criteria: [{ id: 'bad', description: 'x', rule: { '>=': [{ var: 'person.age' }, 60] } }], targetUnit: 'family' }, /not a family-level fact/],
  ])('refuses a wrong definition %#', (doc, message) => {
    expect(() => parseProgramme(doc)).toThrow(message);
  });

  it('applies only within its effective dates', () => {
    const later = { ...byId('bpnt')[0], effectiveFrom: '2027-01-01' };
    expect(evaluateFamily(family([{ birthDate: '1980-01-01' }], { welfareDecile: 1 }), [later], ON, growth)).toEqual([]);
  });
});

describe('evaluation properties', () => {
  const arbMember = fc.record({
    birthDate: fc.date({ min: new Date('1920-01-01'), max: new Date('2026-11-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
    sex: fc.constantFrom('M' as const, 'F' as const),
    pregnant: fc.boolean(),
    school: fc.constantFrom(undefined, 'masih-sekolah' as const, 'tidak-sekolah-lagi' as const),
  });
  const arbFamily = fc.record({ members: fc.array(arbMember, { minLength: 1, maxLength: 8 }), desil: fc.option(fc.integer({ min: 1, max: 10 }), { nil: undefined }) });
  const build = (a: { members: Array<{ birthDate: string; sex: 'M' | 'F'; pregnant: boolean; school?: 'masih-sekolah' | 'tidak-sekolah-lagi' }>; desil?: number }) =>
    family(
      a.members.map((m) => ({ birthDate: m.birthDate, sex: m.sex, attributes: { pregnant: m.sex === 'F' && m.pregnant, ...(m.school ? { schoolParticipation: m.school } : {}) } })),
      a.desil === undefined ? {} : { welfareDecile: a.desil },
    );

  it('is deterministic', () => {
    fc.assert(fc.property(arbFamily, (a) => {
      const f = build(a);
      expect(evaluateFamily(f, programmes, ON, growth)).toEqual(evaluateFamily(structuredClone(f), programmes, ON, growth));
    }), { numRuns: 300 });
  });

  it('does not depend on the order of members or programmes', () => {
    fc.assert(fc.property(arbFamily, fc.integer({ min: 1, max: 1000 }), (a, seed) => {
      const f = build(a);
      const shuffled = { ...f, members: [...f.members].sort((x, y) => ((x.personId.charCodeAt(35) * seed) % 7) - ((y.personId.charCodeAt(35) * seed) % 7)) };
      const key = (d: Decision) => `${d.programmeId}|${d.personId}`;
      const sort = (ds: Decision[]) => [...ds].sort((x, y) => key(x).localeCompare(key(y)));
      expect(sort(evaluateFamily(shuffled, [...programmes].reverse(), ON, growth))).toEqual(sort(evaluateFamily(f, programmes, ON, growth)));
    }), { numRuns: 300 });
  });
});
