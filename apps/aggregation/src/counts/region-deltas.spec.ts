import type { FamilyState } from '@satupintu/contracts';
import { regionDeltas } from './region-deltas';

const state = (village: string, members: number): FamilyState => {
  const [p, r, d] = village.split('.');
  return {
    familyId: '00000000-0000-4000-8000-000000000001',
    kk: '1',
    version: 1,
    address: { villageCode: village, districtCode: `${p}.${r}.${d}`, regencyCode: `${p}.${r}`, provinceCode: p, rt: '1', rw: '1' },
    members: Array.from({ length: members }, (_, i) => ({ personId: `00000000-0000-4000-8000-00000000000${i}`, nik: null, name: 'x', sex: 'M' as const, birthDate: '1990-01-01', relationship: i === 0 ? 1 : 4, attributes: {} })),
    attributes: {},
  };
};

describe('regionDeltas', () => {
  it('adds a new family to its village and every ancestor up to the country', () => {
    const d = regionDeltas([{ before: null, after: state('31.01.01.1001', 3) }]);
    expect([...d.keys()]).toEqual(['31.01.01.1001', '31.01.01', '31.01', '31', 'ID']);
    expect(d.get('31.01')).toEqual({ level: 'regency', parentCode: '31', families: 1, persons: 3 });
    expect(d.get('ID')).toEqual({ level: 'country', parentCode: null, families: 1, persons: 3 });
  });

  it('moves a family between villages of one district: the district does not change', () => {
    const d = regionDeltas([{ before: state('31.01.01.1001', 3), after: state('31.01.01.1002', 3) }]);
    expect(d.get('31.01.01.1001')).toEqual(expect.objectContaining({ families: -1, persons: -3 }));
    expect(d.get('31.01.01.1002')).toEqual(expect.objectContaining({ families: 1, persons: 3 }));
    expect(d.has('31.01.01')).toBe(false);
  });

  it('counts a member who joins as one person more', () => {
    const d = regionDeltas([{ before: state('31.01.01.1001', 3), after: state('31.01.01.1001', 4) }]);
    expect(d.get('31.01.01.1001')).toEqual(expect.objectContaining({ families: 0, persons: 1 }));
  });
});
