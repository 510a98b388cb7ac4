import { MatchModel } from './model';
import { assignFamilyMembers, judgePair, possibleTwinNiks } from './person-matcher';
import { DEFAULT_PERSON_PARAMETERS, matchable, PERSON_COMPARISONS, type PersonFields } from './person-model';
import { refuseM, trainModel } from './training';

const model = new MatchModel(PERSON_COMPARISONS, DEFAULT_PERSON_PARAMETERS);
const p = (o: Partial<PersonFields>) => matchable({ name: 'Dadang Supriatna', sex: 'M', birthDate: '1980-01-15', villageCode: '32.01.01.2001', ...o });
const policy = { mergeAt: 18, reviewAt: 12, minIdentityWeight: 10 };
const family = { sameMemberAt: 10, minIdentityWeight: 4 };

describe('judgePair', () => {
  it('never merges twins: consecutive NIKs, one birth date, one family, names that only share a part', () => {
    const a = p({ name: 'Hasan Santoso', nik: '3201011501800001', kk: '3201010101010001' });
    const b = p({ name: 'Husin Santoso', nik: '3201011501800002', kk: '3201010101010001' });
    expect(judgePair(model, a, b, policy).decision).not.toBe('merge');
  });

  it('merges the same NIK whatever the spelling, unless name, birth date and sex say it is someone else', () => {
    expect(judgePair(model, p({ nik: '3201011501800001', name: 'Siti' }), p({ nik: '3201011501800001', name: 'Sii' }), { ...policy }).decision).toBe('merge');
    expect(judgePair(model, p({ nik: '3201011501800001' }), p({ nik: '3201011501800001', name: 'Rina Wati', sex: 'F', birthDate: '2001-03-09' }), policy).decision).toBeNull();
  });

  it('takes a NIK typo for one person, neighbouring serials for possible twins who need the whole name', () => {
    expect(possibleTwinNiks('3201011501800001', '3201011501800002')).toBe(true);
    expect(possibleTwinNiks('3201246205583148', '3201246205588148')).toBe(false);
    expect(possibleTwinNiks('3201011501800001', '3201011501900001')).toBe(false);
    const full = p({ name: 'Sromutya Dewi', nik: '3201246205588148' });
    expect(judgePair(model, p({ name: 'Sromutya', nik: '3201246205583148' }), full, policy).decision).toBe('merge');
    expect(judgePair(model, p({ name: 'Sromutya', nik: '3201246205588147' }), full, policy).decision).not.toBe('merge');
  });

  it('does not merge a father and the son named after him', () => {
    expect(judgePair(model, p({}), p({ birthDate: '2008-04-02' }), policy).decision).toBeNull();
  });
});

describe('assignFamilyMembers', () => {
  it('pairs a re-recorded family with its members despite variants, and leaves a newborn and a namesake son alone', () => {
    const current = [p({ name: 'Dadang', nik: '3201011501800001' }), p({ name: 'Siti Aminah', sex: 'F', birthDate: '1984-03-04' }), p({ name: 'Dadang', birthDate: '2010-06-07' })];
    const incoming = [
      p({ name: 'Moh. Dadang' }),
      p({ name: 'SITI AMINAH, S.Pd', sex: 'F', birthDate: '1984-04-03' }),
      p({ name: 'Dadang', birthDate: '2010-06-08' }),
      p({ name: 'Dadang Junior', birthDate: '2026-09-01' }),
    ];
    expect(assignFamilyMembers(model, incoming, current, family)).toEqual([0, 1, 2, null]);
  });
});

describe('training guards', () => {
  it('refuses an m that makes agreement no evidence, or disagreement none against', () => {
    expect(refuseM(['exact', 'different'], [0.1, 0.9], [0.2, 0.8])).toMatch(/no evidence/);
    expect(refuseM(['exact', 'different'], [0.9, 0.1], [0.2, 0.8])).toBeNull();
  });

  it('falls back to the trained defaults, and says so, when a session has no data', () => {
    const persons = Array.from({ length: 600 }, (_, i) => p({ name: `Nama${i}`, nik: null }));
    const { model: trained, report } = trainModel(PERSON_COMPARISONS, persons, [], { sessions: [{ on: ['nik'] }], fallback: DEFAULT_PERSON_PARAMETERS, randomPairs: 2000 });
    expect(report.fellBack.map((f) => f.comparison)).toContain('name');
    expect(trained.parameters.comparisons.name.m).toEqual(DEFAULT_PERSON_PARAMETERS.comparisons.name.m);
  });
});
