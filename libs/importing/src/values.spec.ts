import { parseDate, parseIdentifier, parseRelationship, parseRtRw, parseSex, splitRtRw } from './values';

const value = <T>(p: { ok: boolean; value?: T; code?: string }) => (p.ok ? p.value : p.code);
const today = new Date('2026-12-03T00:00:00Z');

describe('cells of agency lists', () => {
  it('reads dates as agencies write them', () => {
    expect(value(parseDate('17/08/1980', today))).toBe('1980-08-17');
    expect(value(parseDate('1980-08-17', today))).toBe('1980-08-17');
    expect(value(parseDate('17-08-80', today))).toBe('1980-08-17');
    expect(value(parseDate('05-01-21', today))).toBe('2021-01-05');
    expect(value(parseDate('29444', today))).toBe('1980-08-11');
    expect(value(parseDate('31/02/1980', today))).toBe('DATE_INVALID');
    expect(value(parseDate('kemarin', today))).toBe('DATE_FORMAT');
    expect(value(parseDate('', today))).toBe('DATE_MISSING');
  });

  it('reads sex, relationship, identifiers and RT/RW codes', () => {
    expect(['L', 'laki-laki', 'Pria', '1'].map((s) => value(parseSex(s)))).toEqual(['M', 'M', 'M', 'M']);
    expect(['P', 'PEREMPUAN', 'wanita', '2'].map((s) => value(parseSex(s)))).toEqual(['F', 'F', 'F', 'F']);
    expect(value(parseSex('X'))).toBe('SEX_FORMAT');
    expect(['1', 'Kepala Keluarga', '3 - ISTRI', 'anak', '11'].map((s) => value(parseRelationship(s)))).toEqual([1, 1, 3, 4, 11]);
    expect(value(parseRelationship('12'))).toBe('RELATIONSHIP_FORMAT');
    expect(value(parseIdentifier("'3201011708800001"))).toBe('3201011708800001');
    expect(value(parseIdentifier('3.20101E+15'))).toBe('IDENTIFIER_LOST_DIGITS');
    expect(value(parseIdentifier(''))).toBeNull();
    expect(value(parseRtRw('3'))).toBe('003');
    expect(value(parseRtRw('RT 3'))).toBe('RT_RW_FORMAT');
    expect(splitRtRw('003/05')).toEqual({ rt: '003', rw: '05' });
  });
});
