import { formatNik } from '@satupintu/domain';
import { goldenRecord, type Observation } from './golden-record';

const nik = formatNik('31.01.01', '2020-03-04', 'F', 7);
const obs = (o: Partial<Observation>): Observation => ({ nik: null, name: 'Siti', sex: 'F', birthDate: '2020-03-04', attributes: {}, observedAt: '2026-01-01T00:00:00Z', ...o });

describe('goldenRecord', () => {
  it('takes everything from the only observation', () => {
    expect(goldenRecord([obs({ nik, name: 'Siti Aminah' })])).toEqual({ nik, name: 'Siti Aminah', sex: 'F', birthDate: '2020-03-04', attributes: {} });
  });

  it('prefers the most recent observation among equally trusted ones', () => {
    const g = goldenRecord([obs({ name: 'Siti', observedAt: '2026-01-01T00:00:00Z' }), obs({ name: 'Sity', observedAt: '2026-02-01T00:00:00Z' })]);
    expect(g.name).toBe('Sity');
  });

  it('keeps the name of an observation with a NIK over a later one without, but takes the later attributes', () => {
    const g = goldenRecord([
      obs({ nik, name: 'Siti Aminah', observedAt: '2026-01-01T00:00:00Z', attributes: { education: 'sd' } }),
      obs({ name: 'Siti A.', observedAt: '2026-03-01T00:00:00Z', attributes: { education: 'sltp' } }),
    ]);
    expect(g).toEqual({ nik, name: 'Siti Aminah', sex: 'F', birthDate: '2020-03-04', attributes: { education: 'sltp' } });
  });

  it('takes the birth date and sex that agree with the NIK, even from a less recent observation', () => {
    const g = goldenRecord([
      obs({ nik, birthDate: '2020-03-04', observedAt: '2026-01-01T00:00:00Z' }),
      obs({ nik, birthDate: '2020-04-03', sex: 'M', name: 'Siti N', observedAt: '2026-05-01T00:00:00Z' }),
    ]);
    expect(g).toEqual(expect.objectContaining({ name: 'Siti N', birthDate: '2020-03-04', sex: 'F' }));
  });

  it('falls back to the most trusted, most recent values when none agrees with the NIK', () => {
    const other = formatNik('31.01.01', '1999-12-12', 'M', 1);
    const g = goldenRecord([obs({ nik: other, observedAt: '2026-01-01T00:00:00Z' }), obs({ birthDate: '2020-01-01', observedAt: '2026-02-01T00:00:00Z' })]);
    expect(g).toEqual(expect.objectContaining({ nik: other, birthDate: '2020-03-04', sex: 'F' }));
  });

  it('refuses a person without observations', () => {
    expect(() => goldenRecord([])).toThrow();
  });
});
