import type { FamilyRecord } from '@satupintu/contracts';
import { motherNameOf } from '@satupintu/matching';
import { generateFamilies } from '@satupintu/synthetic';
import { withLocalStackCredentials } from '@satupintu/platform';
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { villagesUnder } from '../cli/region-villages';

/**
 * Incremental matching speed against a registry of N persons (default 1,000,000; families of one
 * province, Jawa Barat). Writes the registry persons and the new records to a file, then runs the
 * dedup service's `bench-matching` command on it: the registry goes into a scratch Redis index and
 * the new records are matched in batches as the consumer matches them. A quarter of the new records
 * are persons already in the registry recorded again under another KK, without a NIK and spelt
 * otherwise (they should merge); the rest are new people (they should not). Usage:
 *   npm run bench:registry-matching -- [persons] [newRecords] [batch]
 */
const ROOT = join(__dirname, '..', '..', '..');
const target = Number(process.argv[2] ?? 1_000_000);
const incoming = Number(process.argv[3] ?? 50_000);
const batchSize = Number(process.argv[4] ?? 500);
const villages = villagesUnder('32');
const file = join(ROOT, 'artifacts', 'bench', 'registry-matching.jsonl');

type Person = { id: string; nik: string | null; name: string; sex: 'M' | 'F'; birthDate: string; villageCode: string; kk: string; motherName: string | null };

function persons(f: FamilyRecord, familyNo: number): Person[] {
  return f.members.map((m, i) => ({
    id: `00000000-0000-4000-8000-${String(familyNo * 40 + i).padStart(12, '0')}`,
    nik: m.nik ?? null,
    name: m.name,
    sex: m.sex,
    birthDate: m.birthDate,
    villageCode: f.address.villageCode,
    kk: f.kk,
    motherName: motherNameOf(f.members, m),
  }));
}

/** Another spelling of a name, as a second cadre might write it. */
function respell(name: string, k: number): string {
  const variants = [(s: string) => s.replace(/u/g, 'oe'), (s: string) => s.replace(/j/g, 'dj'), (s: string) => s.replace(/y/g, 'i'), (s: string) => s.replace(/^Muhammad\b/, 'M.'), (s: string) => s.slice(0, -1)];
  return variants[k % variants.length](name);
}

async function main() {
  mkdirSync(join(file, '..'), { recursive: true });
  const out = createWriteStream(file);
  const write = (x: unknown) => new Promise<void>((resolve) => (out.write(`${JSON.stringify(x)}\n`) ? resolve() : out.once('drain', resolve)));
  const sample: Person[] = [];
  let written = 0;
  let familyNo = 0;
  for (let seed = 1; written < target; seed++) {
    const { records } = generateFamilies({ count: 5000, villages, seed, errorRate: 0, duplicateRate: 0, keyPrefix: `bench-${seed}` });
    for (const r of records) {
      const people = persons(r.family as FamilyRecord, familyNo++);
      if (familyNo % 20 === 0) sample.push(people[people.length - 1]);
      for (const p of people) if (written++ < target) await write({ registry: p });
    }
  }
  const { records: fresh } = generateFamilies({ count: Math.ceil(incoming / 3), villages, seed: 999_999, errorRate: 0, duplicateRate: 0, keyPrefix: 'bench-new' });
  const newPeople = fresh.flatMap((r, i) => persons(r.family as FamilyRecord, 50_000_000 + i));
  for (let i = 0; i < incoming; i++) {
    if (i % 4 === 0) {
      const p = sample[(i / 4) % sample.length];
      await write({ incoming: { ...p, nik: null, name: respell(p.name, i / 4), kk: null }, kk: `again-${i}`, again: true });
    } else {
      const p = newPeople[i % newPeople.length];
      await write({ incoming: p, kk: p.kk, again: false });
    }
  }
  await new Promise<void>((resolve) => out.end(resolve));
  const r = spawnSync(process.execPath, ['-r', join(ROOT, 'tools/runtime/register-paths.js'), join(ROOT, 'dist/apps/dedup/src/main.js'), 'bench-matching', file, String(batchSize)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...(withLocalStackCredentials() as NodeJS.ProcessEnv), LOG_LEVEL: 'warn' },
    maxBuffer: 16 * 2 ** 20,
  });
  if (r.status !== 0) throw new Error(`bench-matching exited with ${r.status}: ${r.stdout.toString().slice(-500)}`);
  process.stdout.write(r.stdout);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
