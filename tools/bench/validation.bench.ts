import { activateRuleSet, DEFAULT_RULE_SET, officialRegions, todayIn, validateFamily, whoGrowthTables } from '@satupintu/domain';
import { generateFamilies } from '@satupintu/synthetic';

/**
 * Throughput of the validation step alone: the pure function on one core, over synthetic families
 * (with 3 % broken records and under-five measurements as generated). Usage:
 *   node -r ./tools/runtime/register-paths.js dist/tools/bench/validation.bench.js [families] [rounds]
 */
const count = Number(process.argv[2] ?? 20_000);
const rounds = Number(process.argv[3] ?? 5);
const villages = officialRegions().childrenOf('31.71.01').concat(officialRegions().childrenOf('31.01.01'));
const { records } = generateFamilies({ count, villages, seed: 11, errorRate: 0.03, duplicateRate: 0 });
const ctx = { regions: officialRegions(), ruleSet: activateRuleSet(DEFAULT_RULE_SET), today: todayIn(), growth: whoGrowthTables() };

// Warm-up (JIT), then measured rounds.
for (const r of records.slice(0, 2000)) validateFamily(r.family, ctx);
const rates: number[] = [];
let rejected = 0;
for (let round = 0; round < rounds; round++) {
  rejected = 0;
  const start = process.hrtime.bigint();
  for (const r of records) if (validateFamily(r.family, ctx).errors.length > 0) rejected++;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  rates.push(count / seconds);
}
rates.sort((a, b) => a - b);
const persons = records.reduce((s, r) => s + ((r.family as { members?: unknown[] }).members?.length ?? 0), 0);
console.log(
  JSON.stringify({
    families: count,
    persons,
    rejected,
    rounds,
    familiesPerSecond: { median: Math.round(rates[Math.floor(rates.length / 2)]), min: Math.round(rates[0]), max: Math.round(rates[rates.length - 1]) },
    node: process.version,
  }),
);
