import type { FamilyRecord } from '@satupintu/contracts';
import { formatNik } from './nik';
import { officialRegions } from './region-catalogue';
import { RULES, validateFamily } from './validation';

const ctx = { regions: officialRegions(), today: '2026-11-22' };

function valid(): FamilyRecord {
  return {
    kk: '3101010101200001',
    address: { villageCode: '31.01.01.1001', rt: '001', rw: '002' },
    members: [
      { nik: formatNik('31.01.01', '1970-03-12', 'M', 1), name: 'Budi Santoso', sex: 'M', birthDate: '1970-03-12', relationship: 1 },
      { nik: formatNik('31.01.01', '1972-06-01', 'F', 2), name: 'Siti Aminah', sex: 'F', birthDate: '1972-06-01', relationship: 3 },
    ],
  };
}

const codes = (r: ReturnType<typeof validateFamily>) => ({ errors: r.errors.map((e) => e.code), warnings: r.warnings.map((w) => w.code) });

describe('validateFamily', () => {
  it('passes a well-formed family with no findings', () => {
    const r = validateFamily(valid(), ctx);
    expect(codes(r)).toEqual({ errors: [], warnings: [] });
    expect(r.family?.kk).toBe('3101010101200001');
    expect(r.ruleSetVersion).toMatch(/\S/);
  });

  const cases: Array<[string, (f: FamilyRecord) => void, { errors?: string[]; warnings?: string[] }, string?]> = [
    ['KK not 16 digits', (f) => (f.kk = '12345'), { errors: ['KK_FORMAT'] }, 'kk'],
    ['KK of an unknown district', (f) => (f.kk = '9999990101200001'), { errors: ['KK_DISTRICT_UNKNOWN'] }, 'kk'],
    ['NIK not 16 digits', (f) => (f.members[0].nik = '310101120370000'), { errors: ['NIK_FORMAT'] }, 'members.0.nik'],
    ['NIK with an impossible date', (f) => (f.members[0].nik = '3101013502700001'), { errors: ['NIK_DATE_INVALID'] }, 'members.0.nik'],
    ['NIK of an unknown district', (f) => (f.members[0].nik = formatNik('99.99.99', '1970-03-12', 'M', 1)), { warnings: ['NIK_DISTRICT_UNKNOWN'] }, 'members.0.nik'],
    ['NIK date differs from birth date', (f) => (f.members[0].birthDate = '1970-03-13'), { warnings: ['NIK_DATE_MISMATCH'] }, 'members.0.birthDate'],
    ['NIK sex differs from recorded sex', (f) => (f.members[1].sex = 'M'), { warnings: ['NIK_SEX_MISMATCH'] }, 'members.1.sex'],
    ['same NIK twice', (f) => (f.members[1] = { ...f.members[0], relationship: 4 }), { errors: ['NIK_DUPLICATE_IN_FAMILY'] }, 'members.1.nik'],
    ['no head', (f) => (f.members[0].relationship = 2), { errors: ['HEAD_COUNT'] }, 'members'],
    ['two heads', (f) => (f.members[1].relationship = 1), { errors: ['HEAD_COUNT'] }, 'members'],
    ['unknown village', (f) => (f.address.villageCode = '31.01.01.9999'), { errors: ['VILLAGE_UNKNOWN'] }, 'address.villageCode'],
    ['malformed village', (f) => (f.address.villageCode = '3101011001'), { errors: ['VILLAGE_UNKNOWN'] }, 'address.villageCode'],
    ['birth in the future', (f) => {
      f.members[1].birthDate = '2027-01-01';
      f.members[1].nik = formatNik('31.01.01', '2027-01-01', 'F', 2);
    }, { errors: ['BIRTH_DATE_FUTURE'] }, 'members.1.birthDate'],
  ];

  it.each(cases)('%s', (_name, mutate, expected, path) => {
    const f = valid();
    mutate(f);
    const r = validateFamily(f, ctx);
    expect(codes(r)).toEqual({ errors: expected.errors ?? [], warnings: expected.warnings ?? [] });
    const finding = [...r.errors, ...r.warnings][0];
    expect(finding.path).toBe(path);
    expect(finding.message.id.length).toBeGreaterThan(0);
    expect(finding.message.en.length).toBeGreaterThan(0);
  });

  it.each([
    ['not an object', 42],
    ['null', null],
    ['missing members', { kk: '3101010101200001', address: { villageCode: '31.01.01.1001', rt: '1', rw: '2' } }],
    ['unknown field', { ...valid(), religion_free_text: 'x' }],
    ['wrong type', { ...valid(), members: 'all of them' }],
  ])('turns a malformed record (%s) into SCHEMA_INVALID errors without throwing', (_name, input) => {
    const r = validateFamily(input, ctx);
    expect(r.family).toBeNull();
    expect(r.errors.length).toBeGreaterThan(0);
    expect(r.errors.every((e) => e.code === 'SCHEMA_INVALID')).toBe(true);
  });

  it('has a severity and both messages for every rule', () => {
    for (const rule of Object.values(RULES)) {
      expect(['error', 'warning']).toContain(rule.severity);
      expect(rule.message.id).not.toBe(rule.message.en);
    }
  });
});
