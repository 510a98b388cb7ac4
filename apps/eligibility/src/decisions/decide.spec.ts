import type { Decision } from '@satupintu/domain';
import { isChange, needsWrite, subjectOf } from './decide';

const decision = (eligible: boolean, failed: string[] = []): Decision => ({
  programmeId: 'klj',
  programmeVersion: 1,
  personId: null,
  familyId: '00000000-0000-4000-8000-000000000001',
  eligible,
  criteria: [
    { criterion: 'aged-60-plus', value: 61, passed: !failed.includes('aged-60-plus') },
    { criterion: 'low-welfare', value: 3, passed: !failed.includes('low-welfare') },
  ],
});

describe('decision changes', () => {
  it('publishes a first decision only when it is eligible, but stores it either way', () => {
    expect(isChange(decision(true), undefined)).toBe(true);
    expect(isChange(decision(false, ['low-welfare']), undefined)).toBe(false);
    expect(needsWrite(decision(false, ['low-welfare']), undefined)).toBe(true);
  });

  it('publishes flips and changed reasons, nothing else', () => {
    expect(isChange(decision(true), { eligible: true, failed: [] })).toBe(false);
    expect(isChange(decision(false, ['aged-60-plus']), { eligible: true, failed: [] })).toBe(true);
    expect(isChange(decision(false, ['aged-60-plus']), { eligible: false, failed: ['low-welfare'] })).toBe(true);
    expect(isChange(decision(false, ['low-welfare']), { eligible: false, failed: ['low-welfare'] })).toBe(false);
  });

  it('keys a family-level decision by the family', () => {
    expect(subjectOf(decision(true))).toBe('00000000-0000-4000-8000-000000000001');
  });
});
