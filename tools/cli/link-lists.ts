import {
  genericParameters,
  linkPersons,
  PERSON_COMPARISONS,
  readRow,
  type ColumnMapping,
  type ModelParameters,
  type PersonFields,
  type RowProblem,
  type TrainingReport,
} from '@satupintu/matching';
import { decodeList, detectDelimiter, type Delimiter, type TextEncodingName } from '@satupintu/importing';
import { generatePersonLists } from '@satupintu/synthetic';
import { SingleBar } from 'cli-progress';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const FIELDS = ['nik', 'name', 'sex', 'birthDate', 'villageCode', 'kk', 'motherName'] as const;

/** "name=NAMA,nik=NIK,birthDate=TGL_LAHIR" -> a column mapping (name required, unknown fields refused). */
export function parseMapping(spec: string): ColumnMapping {
  const mapping: Record<string, string> = {};
  for (const part of spec.split(',').filter(Boolean)) {
    const [field, column] = part.split('=').map((s) => s.trim());
    if (!(FIELDS as readonly string[]).includes(field) || !column) throw new Error(`mapping "${part}": expected field=COLUMN with field one of ${FIELDS.join(', ')}`);
    mapping[field] = column;
  }
  if (!mapping.name) throw new Error('the mapping must name the column of name (name=COLUMN)');
  return mapping as ColumnMapping;
}

/** How a list file was read: its encoding and separator (detected or given), rows read and rows that could not be. */
export interface ListFileReport {
  file: string;
  encoding: TextEncodingName;
  encodingDetected: boolean;
  delimiter: Delimiter;
  rows: number;
  unreadableRows: number;
}

function readList(file: string, mapping: ColumnMapping, problems: RowProblem[], options: { encoding?: string; idColumn?: string }): { rows: Record<string, string>[]; persons: PersonFields[]; report: ListFileReport } {
  const { text, encoding, detected } = decodeList(readFileSync(file), file, options.encoding);
  if (text.trim() === '') throw new Error(`${file}: the file is empty`);
  const delimiter = detectDelimiter(text.replace(/^\uFEFF/, ''));
  const header: string[] = parse(text, { bom: true, delimiter, to_line: 1, trim: true, relax_quotes: true })[0] ?? [];
  const missing = [...Object.values(mapping), ...(options.idColumn ? [options.idColumn] : [])].filter((c) => !header.includes(c));
  if (missing.length > 0) throw new Error(`${file}: no column ${missing.join(', ')} (the columns are ${header.slice(0, 30).join(', ')}; separator "${delimiter === '\t' ? 'tab' : delimiter}")`);
  let unreadable = 0;
  const rows: Record<string, string>[] = parse(text, {
    columns: true,
    bom: true,
    delimiter,
    skip_empty_lines: true,
    trim: true,
    relax_quotes: true,
    relax_column_count: true,
    skip_records_with_error: true,
    on_skip: (err) => {
      unreadable += 1;
      problems.push({ row: (err as { lines?: number } | undefined)?.lines ?? 0, field: '*', message: 'row could not be read (broken quotes or separators): skipped' });
      return undefined;
    },
  });
  return {
    rows,
    persons: rows.map((r, i) => readRow(r, mapping, i + 2, problems)),
    report: { file, encoding, encodingDetected: detected, delimiter, rows: rows.length, unreadableRows: unreadable },
  };
}

export interface LinkListsOptions {
  left: string;
  right?: string;
  mapping: string;
  rightMapping?: string;
  out: string;
  /** Match weight at or above which two rows are one person (the registry's DEDUP_MERGE_AT). */
  mergeAt: number;
  /** Match weight at or above which a pair is listed for review. */
  reviewAt: number;
  idColumn?: string;
  encoding?: string;
}

/**
 * Links two legacy lists (or deduplicates one): writes pairs.csv (every pair at or above the review
 * threshold, with its decision, probability and the level and weight of every comparison),
 * clusters.csv (matched rows that are one person) and problems.csv (cells that could not be read),
 * and returns a summary. No personal data is printed.
 */
export function linkLists(o: LinkListsOptions) {
  for (const [name, v] of [['--merge-at', o.mergeAt], ['--review-at', o.reviewAt]] as const) {
    if (!Number.isFinite(v)) throw new Error(`${name}: expected a number (a match weight, e.g. 25)`);
  }
  if (o.reviewAt > o.mergeAt) throw new Error('--review-at must not exceed --merge-at');
  const problems: RowProblem[] = [];
  const left = readList(o.left, parseMapping(o.mapping), problems, o);
  const rightProblems: RowProblem[] = [];
  const right = o.right ? readList(o.right, parseMapping(o.rightMapping ?? o.mapping), rightProblems, o) : null;
  const bar = new SingleBar({ format: 'linking [{bar}] {percentage}% | {value}/{total} candidate pairs', stream: process.stderr, noTTYOutput: true, notTTYSchedule: 5000 });
  bar.start(1, 0);
  const result = linkPersons(left.persons, right?.persons ?? null, {
    mergeAt: o.mergeAt,
    reviewAt: o.reviewAt,
    onProgress: (phase, done, total) => {
      if (phase !== 'scoring') return;
      bar.setTotal(Math.max(total, 1));
      bar.update(done);
    },
  });
  bar.stop();

  const idOf = (list: 0 | 1, row: number) => {
    const rows = list === 0 ? left.rows : right!.rows;
    return o.idColumn ? (rows[row][o.idColumn] ?? '') : String(row + 2);
  };
  const comparisons = result.model.specs.map((s) => s.id);
  mkdirSync(o.out, { recursive: true });
  writeFileSync(
    join(o.out, 'pairs.csv'),
    stringify([
      ['left', 'right', 'decision', 'probability', 'score', ...comparisons.flatMap((c) => [`${c}_level`, `${c}_weight`])],
      ...result.pairs.map((p) => {
        const explanation = result.explain(p);
        return [
          idOf(0, p.left),
          idOf(right ? 1 : 0, p.right),
          p.decision,
          explanation.probability.toFixed(6),
          explanation.score,
          ...explanation.parts.flatMap((part) => [part.level ?? '', part.weight]),
        ];
      }),
    ]),
  );
  writeFileSync(
    join(o.out, 'clusters.csv'),
    stringify([['cluster', 'list', 'row'], ...result.clusters.flatMap((c, n) => c.map(([list, row]) => [n + 1, list === 0 ? 'left' : 'right', idOf(list as 0 | 1, row)]))]),
  );
  writeFileSync(
    join(o.out, 'problems.csv'),
    stringify([['list', 'line', 'field', 'problem'], ...problems.map((p) => ['left', p.row, p.field, p.message]), ...rightProblems.map((p) => ['right', p.row, p.field, p.message])]),
  );
  return {
    files: [left.report, ...(right ? [right.report] : [])],
    left: left.rows.length,
    right: right?.rows.length ?? null,
    candidatePairs: result.candidatePairs,
    mergeAt: result.mergeAt,
    matches: result.pairs.filter((p) => p.decision === 'match').length,
    reviews: result.pairs.filter((p) => p.decision === 'review').length,
    clusters: result.clusters.length,
    unreadableCells: problems.length + rightProblems.length,
    weights: result.model.weightTable(),
    skippedBlocks: result.skippedBlocks,
    training: result.training,
    warnings: result.warnings,
    out: o.out,
  };
}

/** Two synthetic lists (registry extract, agency list) as CSV with Indonesian column names, and the truth. */
export function writeSampleLists(out: string, families: number, villages: string[], seed: number) {
  const { left, right, truth } = generatePersonLists({ families, villages, seed });
  const header = ['ID', 'NIK', 'NAMA', 'JK', 'TGL_LAHIR', 'KODE_DESA', 'NO_KK', 'NAMA_IBU'];
  const row = (p: (typeof left)[number]) => [p.rowId, p.nik ?? '', p.name, p.sex === 'M' ? 'L' : p.sex === 'F' ? 'P' : '', p.birthDate ?? '', p.villageCode ?? '', p.kk ?? '', p.motherName ?? ''];
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'registry-extract.csv'), stringify([header, ...left.map(row)]));
  writeFileSync(join(out, 'agency-list.csv'), stringify([header, ...right.map(row)]));
  writeFileSync(join(out, 'truth.csv'), stringify([['left', 'right'], ...truth]));
  return { left: left.length, right: right.length, truePairs: truth.length };
}

/**
 * The person model's parameters, estimated without labels on the project's own synthetic lists (a
 * registry extract and an agency list of the same population, `libs/synthetic/person-lists`): the
 * same training `sp link` does (u from random pairs, m from EM sessions on pairs with the same NIK
 * and on pairs with the same name and birth date), with generic parameters to fall back on. The evaluation data of `bench:matching` is never used here.
 */
export function trainRegistryModel(families: number, villages: string[], seed: number): { parameters: ModelParameters; report: TrainingReport } {
  const { left, right } = generatePersonLists({ families, villages, seed });
  const result = linkPersons(
    left,
    right,
    { mergeAt: 25, reviewAt: 12, fallback: genericParameters(PERSON_COMPARISONS) },
  );
  return { parameters: result.model.parameters, report: result.training };
}
