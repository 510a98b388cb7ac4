import type { FamilyRecord } from '@satupintu/contracts';
import fc from 'fast-check';
import { formatNik } from '../nik';
import { officialRegions } from '../region-catalogue';
import { RULE_CATALOGUE, RULE_CODES, type RuleCode } from './rule-catalogue';
import { activateRuleSet, DEFAULT_RULE_SET } from './rule-set';
import { validateFamily, type ValidationContext } from './validate-family';

const TODAY = '2026-11-22';
const ctx: ValidationContext = { regions: officialRegions(), ruleSet: activateRuleSet(DEFAULT_RULE_SET), today: TODAY };

/** A family that passes every rule: head, wife, a child of 3 measured at the posyandu, a schoolgirl. */
function valid(): FamilyRecord {
  return {
    kk: '3101010101200001',
    address: { villageCode: '31.01.01.1001', districtCode: '31.01.01', regencyCode: '31.01', provinceCode: '31', rt: '001', rw: '002' },
    members: [
      { nik: formatNik('31.01.01', '1985-03-12', 'M', 1), name: 'Budi Santoso', sex: 'M', birthDate: '1985-03-12', relationship: 1, maritalStatus: 'kawin', education: 'slta' },
      { nik: formatNik('31.01.01', '1988-06-01', 'F', 2), name: 'Siti Aminah', sex: 'F', birthDate: '1988-06-01', relationship: 3, maritalStatus: 'kawin', pregnant: true },
      {
        nik: formatNik('31.01.01', '2023-10-01', 'M', 3),
        name: 'Dimas',
        sex: 'M',
        birthDate: '2023-10-01',
        relationship: 4,
        measurement: { measuredOn: '2026-10-01', heightCm: 95, weightKg: 14, position: 'standing' },
      },
      { nik: formatNik('31.01.01', '2014-02-02', 'F', 4), name: 'Ayu', sex: 'F', birthDate: '2014-02-02', relationship: 4, schoolParticipation: 'masih-sekolah', education: 'sd' },
    ],
  };
}

type Case = { name: string; change: (f: FamilyRecord) => unknown; path: string };
const set = (f: FamilyRecord, fn: (f: FamilyRecord) => void) => (fn(f), f);

/** For every rule: records that break it (with the path reported) and near misses that do not. */
const CASES: Record<RuleCode, { fail: Case[]; pass: Array<Omit<Case, 'path'>> }> = {
  SCHEMA_INVALID: {
    fail: [
      { name: 'sex outside its codes', change: (f) => set(f, (x) => ((x.members[0] as { sex: string }).sex = 'L')), path: 'members.0.sex' },
      { name: 'no members', change: (f) => set(f, (x) => (x.members = [])), path: 'members' },
      { name: 'a name too long', change: (f) => set(f, (x) => (x.members[0].name = 'x'.repeat(101))), path: 'members.0.name' },
      { name: 'relationship 12', change: (f) => set(f, (x) => (x.members[0].relationship = 12)), path: 'members.0.relationship' },
    ],
    pass: [{ name: 'optional fields left out', change: (f) => set(f, (x) => delete x.members[0].maritalStatus) }],
  },
  UNKNOWN_FIELD: {
    fail: [{ name: 'an extra member field', change: (f) => ({ ...f, members: [{ ...f.members[0], hobby: 'x' }, ...f.members.slice(1)] }), path: 'members.0.hobby' }],
    pass: [{ name: 'every documented field', change: (f) => ({ ...f, welfareDecile: 3, internetAccess: true, housing: { floor: 'keramik' } }) }],
  },
  KK_FORMAT: {
    fail: [{ name: '15 digits', change: (f) => set(f, (x) => (x.kk = '310101010120000')), path: 'kk' }],
    pass: [{ name: '16 digits', change: (f) => f }],
  },
  KK_DISTRICT_UNKNOWN: {
    fail: [{ name: 'district 31.01.09', change: (f) => set(f, (x) => (x.kk = '3101090101200001')), path: 'kk' }],
    pass: [{ name: 'another real district', change: (f) => set(f, (x) => (x.kk = '3171010101200001')) }],
  },
  NIK_FORMAT: {
    fail: [{ name: 'letters', change: (f) => set(f, (x) => (x.members[0].nik = '31010112038500AB')), path: 'members.0.nik' }],
    pass: [{ name: 'digits', change: (f) => f }],
  },
  NIK_DATE_INVALID: {
    fail: [
      { name: 'day 35', change: (f) => set(f, (x) => (x.members[0].nik = '3101013503850001')), path: 'members.0.nik' },
      { name: 'month 13', change: (f) => set(f, (x) => (x.members[0].nik = '3101011213850001')), path: 'members.0.nik' },
    ],
    pass: [{ name: 'day 71 (a woman born on the 31st)', change: (f) => set(f, (x) => Object.assign(x.members[1], { nik: formatNik('31.01.01', '1988-05-31', 'F', 2), birthDate: '1988-05-31' })) }],
  },
  NIK_DISTRICT_UNKNOWN: {
    fail: [{ name: 'province 99', change: (f) => set(f, (x) => (x.members[0].nik = formatNik('99.01.01', '1985-03-12', 'M', 1))), path: 'members.0.nik' }],
    pass: [{ name: 'registered in another province', change: (f) => set(f, (x) => (x.members[0].nik = formatNik('32.01.01', '1985-03-12', 'M', 1))) }],
  },
  NIK_DISTRICT_HISTORICAL: {
    fail: [{ name: 'district 31.01.09 of a real province', change: (f) => set(f, (x) => (x.members[0].nik = formatNik('31.01.09', '1985-03-12', 'M', 1))), path: 'members.0.nik' }],
    pass: [{ name: 'a current district', change: (f) => f }],
  },
  NIK_DATE_MISMATCH: {
    fail: [{ name: 'birth date one day off', change: (f) => set(f, (x) => (x.members[0].birthDate = '1985-03-13')), path: 'members.0.birthDate' }],
    pass: [{ name: 'the NIK date', change: (f) => f }],
  },
  NIK_SEX_MISMATCH: {
    fail: [{ name: "a man with a woman's NIK", change: (f) => set(f, (x) => (x.members[0].nik = formatNik('31.01.01', '1985-03-12', 'F', 1))), path: 'members.0.sex' }],
    pass: [{ name: 'matching', change: (f) => f }],
  },
  NIK_MISSING: {
    fail: [{ name: 'a newborn without a NIK yet', change: (f) => set(f, (x) => delete x.members[2].nik), path: 'members.2.nik' }],
    pass: [{ name: 'every NIK recorded', change: (f) => f }],
  },
  NIK_DUPLICATE_IN_FAMILY: {
    fail: [{ name: 'the same person recorded twice', change: (f) => set(f, (x) => x.members.push({ ...x.members[2] })), path: 'members.4.nik' }],
    pass: [{ name: 'distinct', change: (f) => f }],
  },
  VILLAGE_UNKNOWN: {
    fail: [
      { name: 'no such village', change: (f) => set(f, (x) => (x.address.villageCode = '31.01.01.1099')), path: 'address.villageCode' },
      { name: 'not a village code', change: (f) => set(f, (x) => (x.address.villageCode = '31.01.01')), path: 'address.villageCode' },
    ],
    pass: [{ name: 'a desa elsewhere', change: (f) => set(f, (x) => Object.assign(x.address, { villageCode: '11.01.01.2001', districtCode: '11.01.01', regencyCode: '11.01', provinceCode: '11' })) }],
  },
  REGION_MISMATCH: {
    fail: [
      { name: 'village of another district', change: (f) => set(f, (x) => (x.address.districtCode = '31.01.02')), path: 'address.districtCode' },
      { name: 'another province', change: (f) => set(f, (x) => (x.address.provinceCode = '32')), path: 'address.provinceCode' },
    ],
    pass: [{ name: 'codes left out', change: (f) => set(f, (x) => (x.address = { villageCode: '31.01.01.1001', rt: '1', rw: '2' })) }],
  },
  RT_RW_FORMAT: {
    fail: [
      { name: 'RT with letters', change: (f) => set(f, (x) => (x.address.rt = '01A')), path: 'address.rt' },
      { name: 'RW zero', change: (f) => set(f, (x) => (x.address.rw = '000')), path: 'address.rw' },
    ],
    pass: [{ name: 'RT 7 without padding', change: (f) => set(f, (x) => (x.address.rt = '7')) }],
  },
  HEAD_COUNT: {
    fail: [
      { name: 'no head', change: (f) => set(f, (x) => (x.members[0].relationship = 9)), path: 'members' },
      { name: 'two heads', change: (f) => set(f, (x) => (x.members[1].relationship = 1)), path: 'members' },
    ],
    pass: [{ name: 'one head living alone', change: (f) => set(f, (x) => (x.members = [x.members[0]])) }],
  },
  SPOUSE_SEX: {
    fail: [{ name: 'a wife recorded as a man', change: (f) => set(f, (x) => Object.assign(x.members[1], { sex: 'M', nik: formatNik('31.01.01', '1988-06-01', 'M', 2), pregnant: undefined })), path: 'members.1.sex' }],
    pass: [{ name: 'a husband of a female head', change: (f) => set(f, (x) => {
      Object.assign(x.members[0], { sex: 'F', nik: formatNik('31.01.01', '1985-03-12', 'F', 1) });
      Object.assign(x.members[1], { sex: 'M', nik: formatNik('31.01.01', '1988-06-01', 'M', 2), relationship: 2, pregnant: undefined });
    }) }],
  },
  SPOUSE_NOT_MARRIED: {
    fail: [
      { name: 'a wife who is belum kawin', change: (f) => set(f, (x) => (x.members[1].maritalStatus = 'belum-kawin')), path: 'members.1.maritalStatus' },
      { name: 'a head who is cerai hidup with a wife present', change: (f) => set(f, (x) => (x.members[0].maritalStatus = 'cerai-hidup')), path: 'members.0.maritalStatus' },
    ],
    pass: [{ name: 'a widowed head alone with children', change: (f) => set(f, (x) => {
      x.members[0].maritalStatus = 'cerai-mati';
      x.members.splice(1, 1);
    }) }],
  },
  CHILD_PARENT_AGE_GAP: {
    fail: [{ name: 'a child 8 years younger than the mother', change: (f) => set(f, (x) => Object.assign(x.members[3], { birthDate: '1996-02-02', nik: formatNik('31.01.01', '1996-02-02', 'F', 4), schoolParticipation: undefined })), path: 'members.3.birthDate' }],
    pass: [{ name: 'exactly 10 years', change: (f) => set(f, (x) => Object.assign(x.members[3], { birthDate: '1998-06-01', nik: formatNik('31.01.01', '1998-06-01', 'F', 4), schoolParticipation: undefined, education: undefined })) }],
  },
  AGE_OUT_OF_RANGE: {
    fail: [{ name: '121 years', change: (f) => set(f, (x) => Object.assign(x.members[0], { birthDate: '1905-03-12', nik: formatNik('31.01.01', '1905-03-12', 'M', 1) })), path: 'members.0.birthDate' }],
    pass: [{ name: '120 years', change: (f) => set(f, (x) => Object.assign(x.members[0], { birthDate: '1906-03-12', nik: formatNik('31.01.01', '1906-03-12', 'M', 1) })) }],
  },
  BIRTH_DATE_FUTURE: {
    fail: [{ name: 'tomorrow', change: (f) => set(f, (x) => Object.assign(x.members[2], { birthDate: '2026-11-23', nik: formatNik('31.01.01', '2026-11-23', 'M', 3), measurement: undefined })), path: 'members.2.birthDate' }],
    pass: [{ name: 'born today', change: (f) => set(f, (x) => Object.assign(x.members[2], { birthDate: TODAY, nik: formatNik('31.01.01', TODAY, 'M', 3), measurement: undefined })) }],
  },
  MEASUREMENT_DATE_INVALID: {
    fail: [
      { name: 'measured tomorrow', change: (f) => set(f, (x) => (x.members[2].measurement!.measuredOn = '2026-11-23')), path: 'members.2.measurement.measuredOn' },
      { name: 'measured before birth', change: (f) => set(f, (x) => (x.members[2].measurement!.measuredOn = '2023-09-30')), path: 'members.2.measurement.measuredOn' },
    ],
    pass: [{ name: 'measured today', change: (f) => set(f, (x) => (x.members[2].measurement!.measuredOn = TODAY)) }],
  },
  PREGNANT_MALE: {
    fail: [{ name: 'a pregnant man', change: (f) => set(f, (x) => (x.members[0].pregnant = true)), path: 'members.0.pregnant' }],
    pass: [{ name: 'a man not pregnant', change: (f) => set(f, (x) => (x.members[0].pregnant = false)) }],
  },
  PREGNANCY_AGE: {
    fail: [{ name: 'pregnant at 9', change: (f) => set(f, (x) => Object.assign(x.members[3], { birthDate: '2017-02-02', nik: formatNik('31.01.01', '2017-02-02', 'F', 4), pregnant: true })), path: 'members.3.pregnant' }],
    pass: [{ name: 'pregnant at 38', change: (f) => f }],
  },
  SCHOOL_AGE_INCONSISTENT: {
    fail: [
      { name: 'in school at 3', change: (f) => set(f, (x) => (x.members[2].schoolParticipation = 'masih-sekolah')), path: 'members.2.schoolParticipation' },
      { name: 'a toddler with SD education', change: (f) => set(f, (x) => (x.members[2].education = 'sd')), path: 'members.2.education' },
      { name: 'in school at 41', change: (f) => set(f, (x) => (x.members[0].schoolParticipation = 'masih-sekolah')), path: 'members.0.schoolParticipation' },
    ],
    pass: [{ name: 'left school at 12', change: (f) => set(f, (x) => (x.members[3].schoolParticipation = 'tidak-sekolah-lagi')) }],
  },
  ANTHROPOMETRY_IMPLAUSIBLE: {
    fail: [
      { name: 'a 3-year-old of 60 cm', change: (f) => set(f, (x) => (x.members[2].measurement!.heightCm = 60)), path: 'members.2.measurement' },
      { name: 'a 3-year-old of 45 kg', change: (f) => set(f, (x) => (x.members[2].measurement!.weightKg = 45)), path: 'members.2.measurement' },
    ],
    pass: [
      { name: 'stunted but plausible (80 cm at 3)', change: (f) => set(f, (x) => Object.assign(x.members[2].measurement!, { heightCm: 80, weightKg: 10 })) },
      { name: 'an adult measured', change: (f) => set(f, (x) => (x.members[0].measurement = { measuredOn: TODAY, heightCm: 170, weightKg: 70 })) },
    ],
  },
};

describe('the rule catalogue', () => {
  it('has passing and failing examples for every rule', () => {
    expect(Object.keys(CASES).sort()).toEqual([...RULE_CODES].sort());
    for (const code of RULE_CODES) {
      expect(CASES[code].fail.length).toBeGreaterThan(0);
      expect(CASES[code].pass.length).toBeGreaterThan(0);
    }
  });

  it('gives every rule a severity and different Indonesian and English messages', () => {
    for (const rule of Object.values(RULE_CATALOGUE)) {
      expect(['error', 'warning']).toContain(rule.severity);
      expect(rule.message.id).not.toEqual(rule.message.en);
    }
  });
});

describe('validateFamily', () => {
  it('finds nothing in the reference family', () => {
    const r = validateFamily(valid(), ctx);
    expect([...r.errors, ...r.warnings]).toEqual([]);
    expect(r.ruleSetVersion).toBe(DEFAULT_RULE_SET.version);
  });

  const failing = RULE_CODES.flatMap((code) => CASES[code].fail.map((c) => [code, c.name, c] as const));
  it.each(failing)('%s: %s', (code, _name, c) => {
    const r = validateFamily(c.change(valid()), ctx);
    const findings = [...r.errors, ...r.warnings];
    expect(findings.map((x) => x.code)).toEqual([code]);
    expect(findings[0].path).toBe(c.path);
    expect(findings[0].severity).toBe(RULE_CATALOGUE[code].severity);
    expect(r.family === null).toBe(RULE_CATALOGUE[code].category === 'structure');
  });

  const passing = RULE_CODES.flatMap((code) => CASES[code].pass.map((c) => [code, c.name, c] as const));
  it.each(passing)('%s passes: %s', (_code, _name, c) => {
    const r = validateFamily(c.change(valid()), ctx);
    expect([...r.errors, ...r.warnings]).toEqual([]);
  });

  it('takes a person without KK (one member, no family rules) and refuses such a record with a KK or two members', () => {
    const child = valid().members[3];
    const single: FamilyRecord = { kk: '', withoutKk: true, address: valid().address, members: [child] };
    expect(validateFamily(single, ctx).errors).toEqual([]);
    expect(validateFamily({ ...single, kk: '3101010101200001' }, ctx).errors.map((e) => e.path)).toEqual(['kk']);
    expect(validateFamily({ ...single, members: [child, valid().members[2]] }, ctx).errors.map((e) => e.path)).toEqual(['members']);
    expect(validateFamily({ ...valid(), kk: '' }, ctx).errors.map((e) => e.code)).toEqual(['KK_FORMAT']);
  });

  it('reports every failing rule, not only the first', () => {
    const f = valid();
    f.kk = '123';
    f.members[0].pregnant = true;
    f.members[1].birthDate = '1988-06-02';
    const r = validateFamily(f, ctx);
    expect(r.errors.map((e) => e.code).sort()).toEqual(['KK_FORMAT', 'PREGNANT_MALE']);
    expect(r.warnings.map((e) => e.code)).toEqual(['NIK_DATE_MISMATCH']);
  });
});

describe('rule sets', () => {
  it('turns rules off, changes severities and thresholds, and records its version', () => {
    const ruleSet = activateRuleSet({
      version: 'strict-2027',
      rules: { NIK_DATE_MISMATCH: { severity: 'error' }, PREGNANT_MALE: { enabled: false }, CHILD_PARENT_AGE_GAP: { params: { minYears: 15 } } },
    });
    const f = valid();
    f.members[0].birthDate = '1985-03-13';
    f.members[0].pregnant = true;
    const r = validateFamily(f, { ...ctx, ruleSet });
    expect(r.errors.map((e) => e.code)).toEqual(['NIK_DATE_MISMATCH']);
    expect(r.ruleSetVersion).toBe('strict-2027');
    const gap = valid();
    gap.members[3] = { ...gap.members[3], birthDate: '2000-06-01', nik: formatNik('31.01.01', '2000-06-01', 'F', 4), schoolParticipation: undefined, education: undefined };
    expect(validateFamily(gap, { ...ctx, ruleSet }).warnings.map((w) => w.code)).toEqual(['CHILD_PARENT_AGE_GAP']);
  });

  it.each([
    [{ version: 'x', rules: { NO_SUCH_RULE: {} } }, /unknown rule NO_SUCH_RULE/],
    [{ version: 'x', rules: { AGE_OUT_OF_RANGE: { params: { minYears: 1 } } } }, /no parameter minYears/],
    [{ rules: {} }, /version/],
  ])('refuses a wrong rule set %#', (doc, message) => {
    expect(() => activateRuleSet(doc)).toThrow(message);
  });
});

describe('properties', () => {
  const structured = (r: ReturnType<typeof validateFamily>) =>
    [...r.errors, ...r.warnings].every((i) => typeof i.code === 'string' && i.code in RULE_CATALOGUE && typeof i.path === 'string' && i.message.id.length > 0 && i.message.en.length > 0);

  it('never throws on arbitrary JSON and always answers with structured findings', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (input) => {
        const r = validateFamily(input, ctx);
        return structured(r) && (r.family !== null || r.errors.length > 0);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on mutated families (fields replaced by arbitrary values)', () => {
    const paths = ['kk', 'address', 'address.villageCode', 'address.rt', 'members', 'members.0', 'members.0.nik', 'members.0.birthDate', 'members.1.sex', 'members.2.measurement', 'members.2.measurement.heightCm', 'members.3.relationship', 'welfareDecile'];
    fc.assert(
      fc.property(fc.constantFrom(...paths), fc.anything(), (path, value) => {
        const f = valid() as unknown as Record<string, unknown>;
        const keys = path.split('.');
        let target = f as Record<string, unknown>;
        for (const k of keys.slice(0, -1)) target = target[k] as Record<string, unknown>;
        target[keys[keys.length - 1]] = value;
        const r = validateFamily(f, ctx);
        return structured(r);
      }),
      { numRuns: 3000 },
    );
  });

  it('accepts every family of the synthetic generator shape with valid identifiers (random dates)', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1930-01-01'), max: new Date('2026-11-01'), noInvalidDate: true }), fc.constantFrom('M' as const, 'F' as const), (date, sex) => {
        const birth = date.toISOString().slice(0, 10);
        const f: FamilyRecord = {
          kk: '3101010101200001',
          address: { villageCode: '31.01.01.1001', rt: '1', rw: '1' },
          members: [{ nik: formatNik('31.01.01', birth, sex, 1), name: 'A', sex, birthDate: birth, relationship: 1 }],
        };
        const r = validateFamily(f, ctx);
        return r.errors.length === 0 && r.warnings.length === 0;
      }),
      { numRuns: 1000 },
    );
  });
});
