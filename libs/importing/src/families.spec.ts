import { familyOf, importKey, readPersonRow } from './families';
import { MappingError, parseColumnMap, resolveMapping } from './mapping';

const header = ['NIK', 'NOKK', 'NAMA', 'JNS_KEL', 'TGL_LAHIR', 'HUB_KEL', 'ALAMAT', 'RT', 'RW', 'KODE_DESA'];
const mapping = resolveMapping(header, { preset: 'dtks' });
const noNames = () => ({ ok: false as const, code: 'VILLAGE_UNKNOWN', message: 'no names here' });
const row = (n: number, cells: Partial<Record<string, string>>) => ({
  kind: 'row' as const,
  row: n,
  problems: [],
  cells: { NIK: '', NOKK: '3201011501100001', NAMA: 'Dadang', JNS_KEL: 'L', TGL_LAHIR: '15/01/1980', HUB_KEL: '1', ALAMAT: 'Jl. Mawar', RT: '1', RW: '2', KODE_DESA: '3201012001', ...cells } as Record<string, string>,
});

describe('column mappings', () => {
  it('finds the columns of a preset, of usual names, or as given, and refuses a missing one before reading', () => {
    expect(mapping.kk).toBe('NOKK');
    expect(resolveMapping(['Nama', 'Jenis Kelamin', 'Tgl Lahir', 'SHDK', 'RT/RW', 'Desa'], {}).rtRw).toBe('RT/RW');
    expect(() => resolveMapping(header, { preset: 'bpjs' })).toThrow(MappingError);
    expect(() => resolveMapping(['NAMA', 'JK'], {})).toThrow(/required field\(s\) birthDate, relationship/);
    expect(() => resolveMapping(header, { mapping: parseColumnMap('birthPlace=TEMPAT') })).toThrow(/no column for birthPlace=TEMPAT/);
    expect(() => parseColumnMap('salary=GAJI')).toThrow(/field one of/);
  });
});

describe('person rows into families', () => {
  it('reads a row, with every problem of a row that cannot be taken', () => {
    const { person } = readPersonRow(row(2, {}), mapping, noNames);
    expect(person).toMatchObject({ kk: '3201011501100001', name: 'Dadang', sex: 'M', birthDate: '1980-01-15', rt: '001', rw: '002', villageCode: '32.01.01.2001' });
    const bad = readPersonRow(row(3, { JNS_KEL: 'X', TGL_LAHIR: '31/02/1980', NAMA: '' }), mapping, noNames);
    expect(bad.person).toBeNull();
    expect(bad.findings.map((f) => f.code).sort()).toEqual(['DATE_INVALID', 'NAME_MISSING', 'SEX_FORMAT']);
    const nik = readPersonRow(row(4, { NIK: 'abc' }), mapping, noNames);
    expect(nik.person?.nik).toBeNull();
    expect(nik.findings[0]).toMatchObject({ code: 'IDENTIFIER_FORMAT', severity: 'warning' });
  });

  it('makes one family of a KK, with no head or two heads a finding, and keys it by list and KK', () => {
    const a = readPersonRow(row(2, {}), mapping, noNames).person!;
    const b = readPersonRow(row(3, { NAMA: 'Siti', JNS_KEL: 'P', HUB_KEL: '3', RT: '4' }), mapping, noNames).person!;
    const { family, findings } = familyOf(a.kk!, [a, b]);
    expect(family.members.map((m) => m.name)).toEqual(['Dadang', 'Siti']);
    expect(family.address).toMatchObject({ rt: '001', villageCode: '32.01.01.2001' });
    expect(findings.map((f) => f.code)).toEqual(['FAMILY_ADDRESS_DIFFERS']);
    expect(familyOf(a.kk!, [b]).findings.map((f) => f.code)).toContain('FAMILY_WITHOUT_HEAD');
    expect(familyOf(a.kk!, [a, a]).findings.map((f) => f.code)).toContain('FAMILY_TWO_HEADS');
    expect(importKey('DTKS Kab. Bogor 2026', '3201011501100001')).toBe('imp.dtks-kab-bogor-2026.kk.3201011501100001');
  });
});
