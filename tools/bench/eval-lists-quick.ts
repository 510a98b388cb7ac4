import { linkPersons } from '@satupintu/matching';
import { officialRegions } from '@satupintu/domain';
import { evaluationRows, generateEvaluation } from '@satupintu/synthetic';
const families = Number(process.argv[2] ?? 3000);
const villages = ['31.71', '32.01', '35.78'].flatMap((r) => officialRegions().childrenOf(r).flatMap((d) => officialRegions().childrenOf(d)));
const { records } = generateEvaluation({ families, villages, seed: 101 });
const rows = evaluationRows(records);
const t = Date.now();
const res = linkPersons(rows, null, { mergeAt: Number(process.env.MERGE_AT ?? 25), reviewAt: 12 });
const byEntity = new Map<string, number[]>();
rows.forEach((r, i) => byEntity.set(r.entity, [...(byEntity.get(r.entity) ?? []), i]));
let truePairs = 0; for (const l of byEntity.values()) truePairs += (l.length * (l.length - 1)) / 2;
let pred = 0, tp = 0;
for (const c of res.clusters) { for (let a = 0; a < c.length; a++) for (let b = a + 1; b < c.length; b++) { pred++; if (rows[c[a][1]].entity === rows[c[b][1]].entity) tp++; } }
const p = tp / pred, r = tp / truePairs;
console.log(JSON.stringify({ rows: rows.length, truePairs, pred, tp, precision: p, recall: r, f1: 2*p*r/(p+r), cand: res.candidatePairs, s: (Date.now()-t)/1000, warnings: res.warnings, training: res.training, mem: process.memoryUsage().rss/2**20 }));
if (process.argv[3] === 'fp') {
  let shown = 0;
  for (const pr of res.pairs) {
    if (pr.decision !== 'match' || rows[pr.left].entity === rows[pr.right].entity) continue;
    if (shown++ > 25) break;
    const e = res.explain(pr);
    const a = rows[pr.left], b = rows[pr.right];
    console.log(`${a.name} | ${b.name} | ${a.birthDate} ${b.birthDate} | ${a.nik} ${b.nik} | ${a.kk===b.kk?'sameKK':''} ${a.villageCode===b.villageCode?'sameV':''} | ${e.score} ${e.parts.map(p=>p.comparison+':'+p.level+':'+p.weight).join(' ')}`);
  }
}
if (process.argv[3] === 'fn') {
  const matched = new Map<number, number>(); res.clusters.forEach((c, k) => c.forEach(([, i]) => matched.set(i, k)));
  let shown = 0;
  for (const l of byEntity.values()) for (let x = 0; x < l.length; x++) for (let y = x + 1; y < l.length; y++) {
    const i = l[x], j = l[y];
    if (matched.has(i) && matched.get(i) === matched.get(j)) continue;
    if (shown++ > 25) continue;
    const e = res.explain({ left: i, right: j });
    const a = rows[i], b = rows[j];
    console.log(`${a.name} | ${b.name} | ${a.birthDate} ${b.birthDate} | ${a.nik} ${b.nik} | ${a.kk===b.kk?'sameKK':''} ${a.villageCode===b.villageCode?'sameV':''} | ${e.score} ${e.parts.map(p=>p.comparison+':'+p.level+':'+p.weight).join(' ')}`);
  }
}
