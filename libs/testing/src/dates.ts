import { todayIn } from '@satupintu/domain';

/** The date `years` before today in Asia/Jakarta, shifted by `days` (YYYY-MM-DD): ages on the evaluation date. */
export function yearsAgo(years: number, days = 0): string {
  const [y, m, d] = todayIn().split('-').map(Number);
  return new Date(Date.UTC(y - years, m - 1, d + days)).toISOString().slice(0, 10);
}
