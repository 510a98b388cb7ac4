import { DEFAULT_RETENTION_DAYS, retentionDays } from './retention';

describe('retentionDays', () => {
  it('takes --days first, then RETENTION_DAYS, then the default', () => {
    expect(retentionDays(['--days', '30'], { RETENTION_DAYS: '90' })).toBe(30);
    expect(retentionDays([], { RETENTION_DAYS: '90' })).toBe(90);
    expect(retentionDays(['--dry-run'], {})).toBe(DEFAULT_RETENTION_DAYS);
  });

  it('refuses a period that is not a whole number of days, at least 1', () => {
    for (const bad of ['0', '-5', '1.5', 'a year', '']) expect(retentionDays(['--days', bad], {})).toBeNull();
    expect(retentionDays(['--days'], {})).toBeNull();
  });
});
