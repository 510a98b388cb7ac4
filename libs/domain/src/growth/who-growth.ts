import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { domainDataDir } from '../data-dir';

/** One row of an LMS table: Box-Cox power, median, coefficient of variation. */
export interface Lms {
  l: number;
  m: number;
  s: number;
}

/** LMS tables keyed by sex then by the table key (age in days, or length/height in tenths of cm). */
export interface GrowthTables {
  lengthForAge: Map<number, Lms>[]; // [male, female], key: age in days
  weightForAge: Map<number, Lms>[];
  weightForLength: Map<number, Lms>[]; // key: length in mm (tenths of cm)
  weightForHeight: Map<number, Lms>[];
}

function readTable(file: string, keyScale: number): Map<number, Lms>[] {
  const tables = [new Map<number, Lms>(), new Map<number, Lms>()];
  const lines = readFileSync(file, 'utf8').split(/\r?\n/).slice(1);
  for (const line of lines) {
    if (!line.trim()) continue;
    const [sex, key, l, m, s] = line.split('\t');
    tables[Number(sex) - 1].set(Math.round(Number(key) * keyScale), { l: Number(l), m: Number(m), s: Number(s) });
  }
  return tables;
}

let loaded: GrowthTables | undefined;

/** The WHO tables shipped in libs/domain/data/who-growth (read once). */
export function whoGrowthTables(dir: string = domainDataDir('who-growth', __dirname)): GrowthTables {
  if (!loaded) {
    loaded = {
      lengthForAge: readTable(join(dir, 'lenanthro.txt'), 1),
      weightForAge: readTable(join(dir, 'weianthro.txt'), 1),
      weightForLength: readTable(join(dir, 'wflanthro.txt'), 10),
      weightForHeight: readTable(join(dir, 'wfhanthro.txt'), 10),
    };
  }
  return loaded;
}
