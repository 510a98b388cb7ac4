import { loadMatchSettings } from '../config/dedup.config';
import { bestMatch, blockingKeysOf, nikConflict, registryMatchable, type IndexedPerson } from './registry-matcher';

const settings = loadMatchSettings({});
const person = (o: Partial<IndexedPerson>): IndexedPerson => ({
  id: 'p1',
  nik: null,
  name: 'Siti Aminah',
  sex: 'F',
  birthDate: '2012-03-04',
  villageCode: '31.71.01.1001',
  kk: '3171010101120001',
  motherName: 'Nur Aini',
  ...o,
});
const candidate = (o: Partial<IndexedPerson>) => {
  const p = person(o);
  return { person: p, prepared: registryMatchable(p) };
};
const incoming = (o: Partial<IndexedPerson> = {}) => registryMatchable(person({ kk: null, ...o }));

describe('registry matcher', () => {
  it('merges the same child recorded under another KK without a NIK and spelt otherwise', () => {
    const found = bestMatch(incoming({ name: 'Siti Aminah', nik: null }), 'other-kk', [candidate({ nik: '3171014403120001', name: 'Sitti Aminah' })], settings);
    expect(found?.decision).toBe('merge');
    expect(found?.match.score).toBeGreaterThanOrEqual(settings.mergeAt);
  });

  it('asks for review when only name, birth date and sex agree, in another district with another mother', () => {
    const found = bestMatch(incoming({ villageCode: '31.71.02.1001', motherName: 'Dewi Sartika' }), 'other-kk', [candidate({})], settings);
    expect(found?.decision).toBe('review');
  });

  it('finds nothing for a sibling (another name, another birth date)', () => {
    expect(bestMatch(incoming({ name: 'Siti Rahayu', birthDate: '2014-07-01' }), 'other-kk', [candidate({})], settings)).toBeNull();
  });

  it('finds nothing for twins with other names, even with the same mother in the same village', () => {
    expect(bestMatch(incoming({ name: 'Bagus Prakoso', sex: 'F' }), 'other-kk', [candidate({})], settings)).toBeNull();
    expect(bestMatch(incoming({ name: 'Dewi Kartika' }), 'other-kk', [candidate({})], settings)).toBeNull();
  });

  it('never merges two NIKs that differ by more than a typo automatically', () => {
    const found = bestMatch(incoming({ nik: '3171014403120095' }), 'other-kk', [candidate({ nik: '3171014403120001' })], settings);
    expect(found?.decision).not.toBe('merge');
  });

  it('takes a NIK one digit off, with the same name, birth date and sex, for a typo', () => {
    const found = bestMatch(incoming({ nik: '3171014403120007' }), 'other-kk', [candidate({ nik: '3171014403120001' })], settings);
    expect(found?.decision).toBe('merge');
  });

  it('weighs an exact common name less than an exact rare one', () => {
    const common = { ...incoming(), nameFrequency: 0.01 };
    const rare = { ...incoming(), nameFrequency: 0.00001 };
    const c = candidate({});
    expect(settings.model.score(common, c.prepared)).toBeLessThan(settings.model.score(rare, c.prepared) - 5);
  });

  it('skips candidates of the same KK (family context decides those)', () => {
    expect(bestMatch(incoming(), '3171010101120001', [candidate({})], settings)).toBeNull();
  });

  it('takes the best of several candidates and explains every comparison', () => {
    const found = bestMatch(incoming(), 'other-kk', [candidate({ id: 'far', villageCode: '32.01.01.1001', motherName: null }), candidate({ id: 'near' })], settings);
    expect(found?.candidate.id).toBe('near');
    expect(found?.match.parts.map((p) => p.comparison)).toEqual(['nik', 'name', 'birth-date', 'sex', 'region', 'kk', 'mother-name']);
  });

  it('calls a NIK conflicting when its holder has another name, birth date and sex, not when only the name changed', () => {
    const holder = registryMatchable(person({ nik: '3171014403120001' }));
    expect(nikConflict(holder, incoming({ name: 'Rudi Hartono', sex: 'M', birthDate: '1990-01-01' }), settings)).not.toBeNull();
    expect(nikConflict(holder, incoming({ name: 'Siti Aminah Rahmawati' }), settings)).toBeNull();
  });

  it('blocks by NIK, by birth date within the district, by the core name sound with the birth date, and by name sounds with the year within the district', () => {
    const keys = blockingKeysOf(incoming({ nik: '3171014403120001' }));
    expect(keys).toHaveLength(5);
    expect(keys[1]).toBe('d|2012-03-04|31.71.01');
    expect(blockingKeysOf(incoming({ name: 'Sitti Aminah' }))).toEqual(blockingKeysOf(incoming({})));
    // "Muhammad" prefixed and a date a day off still share the core-name key within the district.
    const a = blockingKeysOf(incoming({ name: 'Dadang Supriatna' }));
    const b = blockingKeysOf(incoming({ name: 'Moh. Dadang Supriatna', birthDate: '2012-03-05' }));
    expect(a.filter((k) => b.includes(k))).toEqual(['y|tnk|2012|31.71.01', 'l|sprt|2012|31.71.01']);
  });
});
