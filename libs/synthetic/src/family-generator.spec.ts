import { activateRuleSet, DEFAULT_RULE_SET, officialRegions, parseNik, validateFamily } from '@satupintu/domain';
import type { FamilyRecord } from '@satupintu/contracts';
import { generateFamilies } from './family-generator';

const villages = ['31.01.01.1001', '31.01.01.1002', '31.01.02.1001'];

describe('generateFamilies', () => {
  it('is deterministic for a seed', () => {
    expect(generateFamilies({ count: 50, villages, seed: 3 })).toEqual(generateFamilies({ count: 50, villages, seed: 3 }));
  });

  it('makes NIKs that agree with birth date and sex, unique KKs and one head per family', () => {
    const { records, truth } = generateFamilies({ count: 500, villages, seed: 9 });
    const kks = new Set<string>();
    const niks = new Set<string>();
    for (const r of records) {
      const f = r.family as FamilyRecord;
      kks.add(f.kk);
      expect(f.members.filter((m) => m.relationship === 1)).toHaveLength(1);
      for (const m of f.members) {
        const nik = parseNik(m.nik!)!;
        expect(nik.sex).toBe(m.sex);
        expect(`${String(nik.month).padStart(2, '0')}-${String(nik.day).padStart(2, '0')}`).toBe(m.birthDate.slice(5));
        niks.add(m.nik!);
      }
      expect(villages).toContain(f.address.villageCode);
      expect(f.kk.slice(0, 6)).toBe(f.address.villageCode.slice(0, 8).replace(/\./g, ''));
    }
    expect(kks.size).toBe(500);
    expect(niks.size).toBe(truth.reduce((s, t) => s + t.members, 0));
  });

  it('writes duplicates and defects into the ground truth at about the asked rates', () => {
    const { truth } = generateFamilies({ count: 2000, villages, seed: 5, duplicateRate: 0.1, errorRate: 0.05 });
    const dups = truth.filter((t) => t.duplicateOf).length;
    const bad = truth.filter((t) => t.expected === 'rejected').length;
    expect(dups).toBeGreaterThan(120);
    expect(dups).toBeLessThan(280);
    expect(bad).toBeGreaterThan(50);
    expect(bad).toBeLessThan(150);
  });
});

describe('generated families against the validation rules', () => {
  it('passes every valid record without errors and rejects every injected defect', () => {
    const ctx = { regions: officialRegions(), ruleSet: activateRuleSet(DEFAULT_RULE_SET), today: '2026-11-01' };
    const { records, truth } = generateFamilies({ count: 1500, villages, seed: 21, errorRate: 0.05, duplicateRate: 0.02 });
    const measured = records.flatMap((r) => (r.family as FamilyRecord).members ?? []).filter((m) => m.measurement).length;
    expect(measured).toBeGreaterThan(50);
    records.forEach((r, i) => {
      const result = validateFamily(r.family, ctx);
      if (truth[i].expected === 'registered') expect({ key: r.idempotencyKey, errors: result.errors.map((e) => e.code) }).toEqual({ key: r.idempotencyKey, errors: [] });
      else expect(result.errors.length).toBeGreaterThan(0);
    });
  });
});
