import { ageOn, isRealDate, todayIn } from './dates';

describe('ageOn', () => {
  it.each([
    ['1966-11-22', '2026-11-21', 59],
    ['1966-11-22', '2026-11-22', 60],
    ['1966-11-22', '2026-11-23', 60],
    ['2000-02-29', '2026-02-28', 25],
    ['2000-02-29', '2026-03-01', 26],
    ['2026-01-01', '2026-01-01', 0],
  ])('born %s is on %s aged %i', (birth, on, age) => {
    expect(ageOn(birth, on)).toBe(age);
  });
});

describe('todayIn', () => {
  it('uses the time zone: 18:00 UTC is already tomorrow in Jakarta', () => {
    expect(todayIn('Asia/Jakarta', new Date('2026-11-22T18:00:00Z'))).toBe('2026-11-23');
    expect(todayIn('UTC', new Date('2026-11-22T18:00:00Z'))).toBe('2026-11-22');
  });
});

describe('isRealDate', () => {
  it.each([['2024-02-29', true], ['2023-02-29', false], ['2023-13-01', false], ['2023-1-01', false], ['x', false]])('%s -> %s', (d, ok) => {
    expect(isRealDate(d)).toBe(ok);
  });
});
