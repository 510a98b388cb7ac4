import { linkPersons, mergeWeightFor } from './batch-linkage';
import { listBlockingKeys, matchable, personBlockingKeys } from './person-model';

describe('mergeWeightFor', () => {
  it('is the log prior odds against a match among all pairs, one more for every doubling of the pairs', () => {
    expect(mergeWeightFor(1, 3)).toBeCloseTo(1, 10);
    const small = mergeWeightFor(5_800, (19_000 * 18_999) / 2);
    const large = mergeWeightFor(190_000, (635_000 * 634_999) / 2);
    expect(small).toBeGreaterThan(14);
    expect(small).toBeLessThan(16);
    expect(large).toBeGreaterThan(19.5);
    expect(large).toBeLessThan(20.5);
    expect(mergeWeightFor(100, 4e8) - mergeWeightFor(100, 2e8)).toBeCloseTo(1, 4);
  });

  it('is 0 when nothing was matched and never below 0', () => {
    expect(mergeWeightFor(0, 1e9)).toBe(0);
    expect(mergeWeightFor(10, 0)).toBe(0);
    expect(mergeWeightFor(10, 10)).toBe(0);
  });
});

describe('listBlockingKeys', () => {
  it("adds the name's sound within the district with no date, which the registry leaves out", () => {
    const person = matchable({ nik: null, name: 'Siti Gujorah', sex: 'F', birthDate: '1947-01-14', villageCode: '32.01.29.1003', kk: null });
    const retyped = matchable({ nik: null, name: 'SITI GUJORAH', sex: 'F', birthDate: '1946-01-14', villageCode: '32.01.29.1003', kk: null });
    const dated = (keys: string[]) => new Set(keys.filter((k) => !k.startsWith('p|')));
    expect([...dated(personBlockingKeys(person))].some((k) => personBlockingKeys(retyped).includes(k))).toBe(false);
    const shared = listBlockingKeys(person).filter((k) => listBlockingKeys(retyped).includes(k));
    expect(shared).toHaveLength(1);
    expect(shared[0].startsWith('p|')).toBe(true);
    expect(personBlockingKeys(person).some((k) => k.startsWith('p|'))).toBe(false);
  });
});

describe('linkPersons', () => {
  it('finds a person whose birth year was mistyped, and keeps the asked-for weight on a small list', () => {
    const rows = [
      { nik: '3201295401470770', name: 'Siti Gujorah', sex: 'F' as const, birthDate: '1947-01-14', villageCode: '32.01.29.1003', kk: '3201290810108993' },
      { nik: null, name: 'Siti Gujorah', sex: 'F' as const, birthDate: '1946-01-14', villageCode: '32.01.29.1003', kk: '3201290810108993' },
      { nik: '3201290505800001', name: 'Dadang Supriatna', sex: 'M' as const, birthDate: '1980-05-05', villageCode: '32.01.29.1003', kk: '3201290810108993' },
    ];
    const result = linkPersons(rows, null, { mergeAt: 18, reviewAt: 12 });
    expect(result.mergeAt).toBe(18);
    expect(result.pairs.filter((p) => p.left === 0 && p.right === 1)).toHaveLength(1);
  });
});
