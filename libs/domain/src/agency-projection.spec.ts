import { GRANTABLE_FIELDS, GrantedFamily, type FamilyState } from '@satupintu/contracts';
import { changedGrantedFields, projectFamily, regionCovered, restrictProjection } from './agency-projection';

const state: FamilyState = {
  familyId: '00000000-0000-4000-8000-000000000001',
  kk: '3101011234560001',
  version: 3,
  address: { villageCode: '31.01.01.1001', districtCode: '31.01.01', regencyCode: '31.01', provinceCode: '31', rt: '001', rw: '002', street: 'Jl. Melati 1' },
  members: [
    { personId: '00000000-0000-4000-8000-0000000000a1', nik: '3101014101800001', name: 'Siti Aminah', sex: 'F', birthDate: '1980-01-01', relationship: 1, attributes: { education: 'slta', pregnant: false } },
    { personId: '00000000-0000-4000-8000-0000000000a2', nik: null, name: 'Budi', sex: 'M', birthDate: '2023-05-02', relationship: 4, attributes: { measurement: { measuredOn: '2026-01-02', heightCm: 80 } } },
  ],
  attributes: { welfareDecile: 2, housing: { floor: 'tanah' }, internetAccess: true },
};

const grant = (fields: string[], regions = ['31.01']) => ({ fields: fields as never, regions, version: 1 });

describe('projectFamily', () => {
  it('copies only granted fields, with the pseudonymous ids and region codes', () => {
    const p = projectFamily(state, grant(['attributes.welfareDecile', 'members.birthDate', 'members.attributes.measurement']));
    expect(p).toEqual({
      familyId: state.familyId,
      region: { villageCode: '31.01.01.1001', districtCode: '31.01.01', regencyCode: '31.01', provinceCode: '31' },
      attributes: { welfareDecile: 2 },
      members: [
        { personId: state.members[0].personId, birthDate: '1980-01-01' },
        { personId: state.members[1].personId, birthDate: '2023-05-02', attributes: { measurement: { measuredOn: '2026-01-02', heightCm: 80 } } },
      ],
    });
    const text = JSON.stringify(p);
    for (const secret of ['3101011234560001', '3101014101800001', 'Siti', 'Melati', 'tanah', 'slta']) expect(text).not.toContain(secret);
  });

  it('gives nothing outside the regions, and nothing for a family that is gone', () => {
    expect(projectFamily(state, grant(['kk'], ['31.02']))).toBeNull();
    expect(projectFamily(state, grant(['kk'], ['31.01.01.1002']))).toBeNull();
    expect(projectFamily(null, grant(['kk']))).toBeNull();
    expect(projectFamily(state, grant(['kk'], ['ID']))?.kk).toBe(state.kk);
  });

  it('with every grantable field, produces a valid granted family', () => {
    const p = projectFamily(state, grant([...GRANTABLE_FIELDS]));
    expect(GrantedFamily.safeParse(p).success).toBe(true);
    expect(p?.members?.[0]).toMatchObject({ nik: state.members[0].nik, name: 'Siti Aminah', attributes: { education: 'slta', pregnant: false } });
  });
});

describe('changedGrantedFields', () => {
  it('names granted fields that changed and never an ungranted one', () => {
    const g = grant(['attributes.welfareDecile', 'members.name']);
    const next: FamilyState = { ...state, kk: '3101011234560002', attributes: { ...state.attributes, welfareDecile: 3, housing: { floor: 'semen' } } };
    expect(changedGrantedFields(projectFamily(state, g), projectFamily(next, g), g)).toEqual(['attributes.welfareDecile']);
    const renamed: FamilyState = { ...state, members: [{ ...state.members[0], name: 'Siti A.' }, state.members[1]] };
    expect(changedGrantedFields(projectFamily(state, g), projectFamily(renamed, g), g)).toEqual(['members.name']);
  });

  it('reports membership and region changes', () => {
    const g = grant(['members.sex']);
    const smaller: FamilyState = { ...state, members: [state.members[0]] };
    expect(changedGrantedFields(projectFamily(state, g), projectFamily(smaller, g), g)).toEqual(['members', 'members.sex']);
    expect(changedGrantedFields(null, projectFamily(state, g), g)).toEqual(['region', 'members', 'members.sex']);
  });
});

describe('regionCovered', () => {
  it('covers a region and below, never a sibling with a common prefix', () => {
    expect(regionCovered(['31.01'], '31.01.01.1001')).toBe(true);
    expect(regionCovered(['31.0'], '31.01.01.1001')).toBe(false);
    expect(regionCovered(['ID'], '11.01.01.2001')).toBe(true);
  });
});

describe('restrictProjection', () => {
  it('cuts a published view down to a narrower grant, and drops it outside the regions', () => {
    const wide = grant(['kk', 'members.name', 'members.sex', 'attributes.welfareDecile']);
    const view = projectFamily(state, wide)!;
    expect(restrictProjection(view, grant(['members.sex']))).toEqual(projectFamily(state, grant(['members.sex'])));
    expect(restrictProjection(view, grant([]))).toEqual(projectFamily(state, grant([])));
    expect(restrictProjection(view, grant(['kk'], ['31.02']))).toBeNull();
  });
});
