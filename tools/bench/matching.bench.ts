import { officialRegions } from '@satupintu/domain';
import { evaluationRows, generateEvaluation } from '@satupintu/synthetic';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `npm run bench:matching [-- --sets febrl3,febrl4,eval-3k,eval-100k]`: matching quality of the
 * project and of Splink in the same run, on the same CSV files, scored by the same code:
 * - FEBRL dataset3 (deduplication) and dataset4a + 4b (linkage), the public benchmark;
 * - the evaluation generator (libs/synthetic/evaluation, which nothing in the project is fitted
 *   to) as one list to deduplicate: 3,000 families (seed 101) and 100,000 families (seed 202).
 * Splink runs in a Python virtual environment this script makes from PyPI (artifacts/splink-venv,
 * splink 5.0.0); its configuration is in tools/bench/matching/splink_run.py. Each engine runs in a
 * process of its own, which reports its time and peak memory (RSS). Pairwise precision, recall and
 * F1 against the truth; for linkage only pairs across the two lists count.
 */
const ROOT = join(__dirname, '..', '..', '..');
const OUT = join(ROOT, 'artifacts', 'bench', 'matching');
const FEBRL = join(ROOT, '..', 'shared', 'benchmarks', 'febrl');
const VENV = join(ROOT, 'artifacts', 'splink-venv');
const SPLINK_VERSION = '5.0.0';
const argSets = process.argv.indexOf('--sets');
const sets = (argSets > 0 ? process.argv[argSets + 1] : 'febrl3,febrl4,eval-3k,eval-100k').split(',');

interface DataSet {
  name: string;
  kind: 'febrl-dedup' | 'febrl-link' | 'persons-dedup';
  inputs: string[];
  /** unique_id -> entity */
  truth: Map<string, string>;
  /** For linkage: unique_id -> which list. */
  side?: Map<string, number>;
}

function pythonEnv(): string {
  const python = join(VENV, 'bin', 'python');
  if (!existsSync(python)) {
    process.stderr.write(`making ${VENV} (splink ${SPLINK_VERSION} from PyPI)\n`);
    execFileSync('python3', ['-m', 'venv', VENV], { stdio: 'inherit' });
    execFileSync(join(VENV, 'bin', 'pip'), ['install', '--quiet', `splink==${SPLINK_VERSION}`], { stdio: 'inherit' });
  }
  return python;
}

function febrl(name: string, files: string[], kind: DataSet['kind']): DataSet {
  const dir = join(OUT, name);
  mkdirSync(dir, { recursive: true });
  const truth = new Map<string, string>();
  const side = new Map<string, number>();
  const inputs = files.map((f, k) => {
    const rows: Record<string, string>[] = parse(readFileSync(join(FEBRL, f), 'utf8'), { columns: true, trim: true, skip_empty_lines: true });
    const header = ['unique_id', ...Object.keys(rows[0]).filter((c) => c !== 'rec_id')];
    for (const r of rows) {
      truth.set(r.rec_id, r.rec_id.replace(/^rec-(\d+)-.*$/, '$1'));
      side.set(r.rec_id, k);
    }
    const path = join(dir, `input-${k}.csv`);
    writeFileSync(path, stringify([header, ...rows.map((r) => [r.rec_id, ...header.slice(1).map((c) => r[c])])]));
    return path;
  });
  return { name, kind, inputs, truth, side: kind === 'febrl-link' ? side : undefined };
}

function evaluation(name: string, families: number, seed: number): DataSet {
  const dir = join(OUT, name);
  mkdirSync(dir, { recursive: true });
  const villages = ['31.71', '32.01', '35.78', '12.71', '73.71'].flatMap((r) => officialRegions().childrenOf(r).flatMap((d) => officialRegions().childrenOf(d)));
  const rows = evaluationRows(generateEvaluation({ families, villages, seed }).records);
  const path = join(dir, 'input-0.csv');
  writeFileSync(path, stringify([['unique_id', 'nik', 'name', 'sex', 'birth_date', 'village', 'kk'], ...rows.map((r) => [r.rowId, r.nik ?? '', r.name, r.sex ?? '', r.birthDate ?? '', r.villageCode ?? '', r.kk ?? ''])]));
  return { name, kind: 'persons-dedup', inputs: [path], truth: new Map(rows.map((r) => [r.rowId, r.entity])) };
}

interface Score {
  records: number;
  truePairs: number;
  predictedPairs: number;
  precision: number;
  recall: number;
  f1: number;
}

/** Pairwise quality of a clustering (`unique_id,cluster_id`) against the truth. */
function score(set: DataSet, clustersFile: string): Score {
  const rows: Array<{ unique_id: string; cluster_id: string }> = parse(readFileSync(clustersFile, 'utf8'), { columns: true });
  const counts = (groups: Map<string, string[]>) => {
    let n = 0;
    for (const ids of groups.values()) {
      if (!set.side) n += (ids.length * (ids.length - 1)) / 2;
      else {
        const a = ids.filter((id) => set.side!.get(id) === 0).length;
        n += a * (ids.length - a);
      }
    }
    return n;
  };
  const group = <K>(items: Array<[K, string]>) => {
    const m = new Map<K, string[]>();
    for (const [k, id] of items) m.set(k, [...(m.get(k) ?? []), id]);
    return m;
  };
  const byEntity = group([...set.truth].map(([id, e]) => [e, id] as [string, string]));
  const byCluster = group(rows.map((r) => [r.cluster_id, r.unique_id] as [string, string]));
  const both = group(rows.map((r) => [`${r.cluster_id}|${set.truth.get(r.unique_id)}`, r.unique_id] as [string, string]));
  const truePairs = counts(byEntity as Map<string, string[]>);
  const predicted = counts(byCluster as Map<string, string[]>);
  const correct = counts(both as Map<string, string[]>);
  const precision = predicted ? correct / predicted : 0;
  const recall = truePairs ? correct / truePairs : 0;
  const r4 = (x: number) => Math.round(x * 10_000) / 10_000;
  return { records: set.truth.size, truePairs, predictedPairs: predicted, precision: r4(precision), recall: r4(recall), f1: r4(precision + recall ? (2 * precision * recall) / (precision + recall) : 0) };
}

function run(command: string, args: string[]): { seconds: number; peakRssMiB: number } {
  const res = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 2 ** 20, env: { ...process.env, NODE_OPTIONS: '--max-old-space-size=4096' } });
  if (res.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${res.status}):\n${res.stderr.slice(-4000)}`);
  return JSON.parse(res.stdout.trim().split('\n').pop()!);
}

const python = pythonEnv();
const results: Array<Record<string, unknown>> = [];
for (const name of sets) {
  const set =
    name === 'febrl3' ? febrl(name, ['dataset3.csv'], 'febrl-dedup')
    : name === 'febrl4' ? febrl(name, ['dataset4a.csv', 'dataset4b.csv'], 'febrl-link')
    : name === 'eval-3k' ? evaluation(name, 3_000, 101)
    : name === 'eval-100k' ? evaluation(name, 100_000, 202)
    : null;
  if (!set) throw new Error(`unknown set ${name}`);
  const dir = join(OUT, name);
  const projectOut = join(dir, 'clusters-project.csv');
  const splinkOut = join(dir, 'clusters-splink.csv');
  process.stderr.write(`${name}: project\n`);
  const project = run(process.execPath, ['-r', join(ROOT, 'tools', 'runtime', 'register-paths.js'), join(__dirname, 'matching', 'project-run.js'), set.kind, ...set.inputs, projectOut]);
  process.stderr.write(`${name}: project ${JSON.stringify({ ...score(set, projectOut), ...project })}\n${name}: splink\n`);
  const splink = run(python, [join(ROOT, 'tools', 'bench', 'matching', 'splink_run.py'), set.kind, ...set.inputs, splinkOut]);
  const row = { set: name, project: { ...score(set, projectOut), ...project }, splink: { ...score(set, splinkOut), ...splink } };
  results.push(row);
  console.log(JSON.stringify(row));
}
writeFileSync(join(OUT, 'results.json'), `${JSON.stringify({ node: process.version, splink: SPLINK_VERSION, results }, null, 2)}\n`);
