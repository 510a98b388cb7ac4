import type { Sex } from '@satupintu/contracts';
import type { GrowthTables, Lms } from './who-growth';

/** WHO conventions: children under 24 months (731 days) are measured lying, older ones standing. */
export const LYING_UNTIL_DAYS = 731;
const ADJUSTMENT_CM = 0.7;
/** Biologically implausible z-scores, as WHO flags them. */
export const IMPLAUSIBLE = { haz: [-6, 6], waz: [-6, 5], whz: [-5, 5] } as const;

export interface Measurement {
  sex: Sex;
  ageDays: number;
  heightCm?: number;
  weightKg?: number;
  /** How the child was measured; when absent, the recommended position for the age is assumed. */
  position?: 'lying' | 'standing';
}

export interface ZScores {
  haz: number | null;
  waz: number | null;
  whz: number | null;
  /** Length/height after the lying/standing adjustment (cm). */
  adjustedHeightCm: number | null;
  flags: Array<'haz' | 'waz' | 'whz'>;
}

/** The plain LMS z-score. */
export function lmsZ(x: number, { l, m, s }: Lms): number {
  return l === 0 ? Math.log(x / m) / s : ((x / m) ** l - 1) / (l * s);
}

/** The measurement at a given z on an LMS curve. */
export function lmsValue(z: number, { l, m, s }: Lms): number {
  return l === 0 ? m * Math.exp(s * z) : m * (1 + l * s * z) ** (1 / l);
}

/**
 * WHO's restricted z-score for weight-based indicators: beyond +-3 the distance is measured in units
 * of the gap between the 3 SD and 2 SD curves, which tames the long right tail of weight.
 */
export function adjustedZ(x: number, lms: Lms): number {
  const z = lmsZ(x, lms);
  if (z > 3) {
    const sd3 = lmsValue(3, lms);
    return 3 + (x - sd3) / (sd3 - lmsValue(2, lms));
  }
  if (z < -3) {
    const sd3 = lmsValue(-3, lms);
    return -3 + (x - sd3) / (lmsValue(-2, lms) - sd3);
  }
  return z;
}

/** LMS at a length/height in cm, interpolated linearly between the table's 0.1 cm rows. */
function lmsAtLength(table: Map<number, Lms>, cm: number): Lms | null {
  const tenths = cm * 10;
  const lo = Math.floor(tenths + 1e-9);
  const a = table.get(lo);
  if (!a) return null;
  const frac = tenths - lo;
  if (frac < 1e-9) return a;
  const b = table.get(lo + 1);
  if (!b) return null;
  return { l: a.l + (b.l - a.l) * frac, m: a.m + (b.m - a.m) * frac, s: a.s + (b.s - a.s) * frac };
}

const round2 = (z: number) => Math.round(z * 100) / 100;

/** Length/height-for-age, weight-for-age and weight-for-length/height z-scores (WHO 2006). */
export function zScores(t: GrowthTables, m: Measurement): ZScores {
  const sexIndex = m.sex === 'M' ? 0 : 1;
  const age = Math.floor(m.ageDays);
  const out: ZScores = { haz: null, waz: null, whz: null, adjustedHeightCm: null, flags: [] };
  if (age < 0) return out;

  if (m.heightCm !== undefined) {
    const position = m.position ?? (age < LYING_UNTIL_DAYS ? 'lying' : 'standing');
    let h = m.heightCm;
    if (age < LYING_UNTIL_DAYS && position === 'standing') h += ADJUSTMENT_CM;
    if (age >= LYING_UNTIL_DAYS && position === 'lying') h -= ADJUSTMENT_CM;
    out.adjustedHeightCm = Math.round(h * 100) / 100;
    const lms = t.lengthForAge[sexIndex].get(age);
    if (lms) out.haz = round2(lmsZ(h, lms));
  }
  const h = out.adjustedHeightCm;
  if (m.weightKg !== undefined) {
    const lms = t.weightForAge[sexIndex].get(age);
    if (lms) out.waz = round2(adjustedZ(m.weightKg, lms));
    if (h !== null) {
      // Weight-for-length under 24 months, weight-for-height from 24 months, at the adjusted value.
      const table = age < LYING_UNTIL_DAYS ? t.weightForLength[sexIndex] : t.weightForHeight[sexIndex];
      const wl = lmsAtLength(table, h);
      if (wl) out.whz = round2(adjustedZ(m.weightKg, wl));
    }
  }
  for (const k of ['haz', 'waz', 'whz'] as const) {
    const z = out[k];
    if (z !== null && (z < IMPLAUSIBLE[k][0] || z > IMPLAUSIBLE[k][1])) out.flags.push(k);
  }
  return out;
}
