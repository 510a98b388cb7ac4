import { ELDERLY_60 } from './eligibility';

describe('ELDERLY_60', () => {
  it.each([
    ['the day before the 60th birthday', '2026-11-21', false, 59],
    ['on the 60th birthday', '2026-11-22', true, 60],
    ['long after', '2040-01-01', true, 73],
  ])('%s', (_name, on, eligible, age) => {
    const r = ELDERLY_60.evaluate({ birthDate: '1966-11-22' }, on);
    expect(r.eligible).toBe(eligible);
    expect(r.criteria).toEqual([{ criterion: 'age >= 60', value: age, passed: eligible }]);
  });
});
