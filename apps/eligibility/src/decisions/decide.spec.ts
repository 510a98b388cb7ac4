import type { FamilyState } from '@satupintu/contracts';
import { ELDERLY_60 } from '@satupintu/domain';
import { decideForFamilies, isChange } from './decide';

const family: FamilyState = {
  familyId: '00000000-0000-4000-8000-000000000001',
  kk: '1',
  version: 1,
  address: { villageCode: '31.01.01.1001', districtCode: '31.01.01', regencyCode: '31.01', provinceCode: '31', rt: '1', rw: '1' },
  members: [
    { personId: '00000000-0000-4000-8000-00000000000a', nik: null, name: 'x', sex: 'M', birthDate: '1966-11-22', relationship: 1, attributes: {} },
    { personId: '00000000-0000-4000-8000-00000000000b', nik: null, name: 'y', sex: 'F', birthDate: '1990-01-01', relationship: 3, attributes: {} },
  ],
  attributes: {},
};

describe('decisions', () => {
  it('decides every member; the head turns 60 on 2026-11-22', () => {
    const before = decideForFamilies([family], [ELDERLY_60], '2026-11-21');
    const on = decideForFamilies([family], [ELDERLY_60], '2026-11-22');
    expect([...before.values()].map((d) => d.eligible)).toEqual([false, false]);
    expect([...on.values()].map((d) => d.eligible)).toEqual([true, false]);
  });

  it('publishes only new decisions, flips, or changed reasons', () => {
    const [head] = decideForFamilies([family], [ELDERLY_60], '2026-11-22').values();
    expect(isChange(head, undefined)).toBe(true);
    expect(isChange(head, { eligible: true, failed: [] })).toBe(false);
    expect(isChange(head, { eligible: false, failed: ['age >= 60'] })).toBe(true);
    expect(isChange({ ...head, eligible: false, criteria: [{ criterion: 'age >= 60', value: 59, passed: false }] }, { eligible: false, failed: ['other'] })).toBe(true);
  });
});
