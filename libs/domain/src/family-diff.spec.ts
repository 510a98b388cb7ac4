import type { FamilyState } from '@satupintu/contracts';
import { diffFamily } from './family-diff';

const base: FamilyState = {
  familyId: '00000000-0000-4000-8000-000000000001',
  kk: '3101010101200001',
  version: 1,
  address: { villageCode: '31.01.01.1001', districtCode: '31.01.01', regencyCode: '31.01', provinceCode: '31', rt: '001', rw: '002' },
  members: [{ personId: '00000000-0000-4000-8000-00000000000a', nik: '3101011203700001', name: 'Budi', sex: 'M', birthDate: '1970-03-12', relationship: 1, attributes: {} }],
  attributes: {},
};

describe('diffFamily', () => {
  it('lists every field of a new family as added', () => {
    const d = diffFamily(null, base);
    expect(d).toContainEqual({ path: 'kk', after: base.kk });
    expect(d).toContainEqual({ path: 'members.00000000-0000-4000-8000-00000000000a.name', after: 'Budi' });
  });

  it('is empty for the same state (versions aside)', () => {
    expect(diffFamily(base, { ...base, version: 2 })).toEqual([]);
  });

  it('reports a changed field with before and after, and a member who left', () => {
    const after: FamilyState = { ...base, address: { ...base.address, rt: '003' }, members: [] };
    const d = diffFamily(base, after);
    expect(d).toContainEqual({ path: 'address.rt', before: '001', after: '003' });
    expect(d).toContainEqual({ path: 'members.00000000-0000-4000-8000-00000000000a.nik', before: '3101011203700001' });
  });
});
