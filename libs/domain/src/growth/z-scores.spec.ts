import { whoGrowthTables } from './who-growth';
import { adjustedZ, lmsZ, zScores } from './z-scores';

/** Expected values computed by hand from the WHO LMS rows quoted in each case. */
const t = whoGrowthTables();

describe('LMS z-scores (WHO 2006)', () => {
  it('computes length-for-age from the LMS row (boy, 365 days: L 1, M 75.7391, S 0.03137)', () => {
    expect(lmsZ(75, { l: 1, m: 75.7391, s: 0.03137 })).toBeCloseTo(-0.3111, 4);
    expect(zScores(t, { sex: 'M', ageDays: 365, heightCm: 75, position: 'lying' }).haz).toBe(-0.31);
  });

  it('adds 0.7 cm to a length measured standing under 24 months', () => {
    const z = zScores(t, { sex: 'M', ageDays: 365, heightCm: 75, position: 'standing' });
    expect(z.adjustedHeightCm).toBe(75.7);
    expect(z.haz).toBe(-0.02); // (75.7 / 75.7391 - 1) / 0.03137 = -0.0165
  });

  it('subtracts 0.7 cm from a height measured lying from 24 months (girl, 1000 days: M 92.8178, S 0.03949)', () => {
    expect(zScores(t, { sex: 'F', ageDays: 1000, heightCm: 85, position: 'lying' }).haz).toBe(-2.32); // 84.3 cm: -2.3239
    expect(zScores(t, { sex: 'F', ageDays: 1000, heightCm: 85, position: 'standing' }).haz).toBe(-2.13); // -2.1329
    expect(zScores(t, { sex: 'F', ageDays: 1000, heightCm: 85 }).haz).toBe(-2.13); // standing assumed at that age
  });

  it('computes weight-for-age inside +-3 SD with the plain formula (boy, 365 days, 9 kg: -0.6331)', () => {
    expect(zScores(t, { sex: 'M', ageDays: 365, weightKg: 9 }).waz).toBe(-0.63);
  });

  it('restricts weight-for-age beyond +-3 SD to the SD2-SD3 distance', () => {
    const lms = { l: 0.0645, m: 9.646, s: 0.10925 };
    expect(lmsZ(16, lms)).toBeCloseTo(4.7084, 4);
    expect(adjustedZ(16, lms)).toBeCloseTo(4.9575, 4);
    expect(adjustedZ(5, lms)).toBeCloseTo(-5.364, 3); // plain formula: -5.889
    expect(zScores(t, { sex: 'M', ageDays: 365, weightKg: 16 }).waz).toBe(4.96);
  });

  it('uses weight-for-length under 24 months and weight-for-height from 24 months', () => {
    expect(zScores(t, { sex: 'M', ageDays: 365, heightCm: 75, weightKg: 9, position: 'lying' }).whz).toBe(-0.66); // wfl 75.0: -0.6622
    expect(zScores(t, { sex: 'F', ageDays: 1000, heightCm: 85, weightKg: 11, position: 'standing' }).whz).toBe(-0.4); // wfh 85.0: -0.3977
  });

  it('interpolates the LMS row between 0.1 cm steps (75.25 cm)', () => {
    expect(zScores(t, { sex: 'M', ageDays: 365, heightCm: 75.25, weightKg: 9, position: 'lying' }).whz).toBe(-0.73); // -0.7273
  });

  it('flags biologically implausible values', () => {
    expect(zScores(t, { sex: 'M', ageDays: 1000, heightCm: 60, weightKg: 12 }).flags).toEqual(['haz']);
    expect(zScores(t, { sex: 'M', ageDays: 365, weightKg: 16 }).flags).toEqual([]); // 4.96 < 5
    expect(zScores(t, { sex: 'M', ageDays: 365, weightKg: 20 }).flags).toEqual(['waz']);
  });
});
