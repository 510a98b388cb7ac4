import { parseDate, parseSex } from '@satupintu/matching';
import { officialRegions } from '@satupintu/domain';
import { parse } from 'csv-parse/sync';
import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { linkLists, parseMapping, writeSampleLists } from './link-lists';

const csv = (file: string): Record<string, string>[] => parse(readFileSync(file, 'utf8'), { columns: true });
const MAPPING = 'name=NAMA,nik=NIK,sex=JK,birthDate=TGL_LAHIR,villageCode=KODE_DESA,kk=NO_KK,motherName=NAMA_IBU';

describe('batch linkage of legacy lists', () => {
  it('links a registry extract to an agency list close to the truth, and reports unreadable cells without losing the row', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lists-'));
    const villages = officialRegions().childrenOf('31.71.01');
    writeSampleLists(dir, 600, villages, 11);
    appendFileSync(join(dir, 'agency-list.csv'), 'b-bad,12345,Siti Aminah,X,31-02-1970,31.71.01.1001,,\n');
    const out = join(dir, 'out');
    const summary = linkLists({ left: join(dir, 'registry-extract.csv'), right: join(dir, 'agency-list.csv'), mapping: MAPPING, idColumn: 'ID', matchAt: 0.95, reviewAt: 0.5, out });

    const truth = new Set(csv(join(dir, 'truth.csv')).map((t) => `${t.left}|${t.right}`));
    const matches = csv(join(out, 'pairs.csv')).filter((p) => p.decision === 'match');
    const correct = matches.filter((p) => truth.has(`${p.left}|${p.right}`)).length;
    const precision = correct / matches.length;
    const recall = correct / truth.size;
    expect(precision).toBeGreaterThan(0.97);
    expect(recall).toBeGreaterThan(0.95);
    // Every match is a two-row cluster (one-to-one linkage).
    expect(summary.clusters).toBe(matches.length);
    expect(csv(join(out, 'clusters.csv'))).toHaveLength(2 * matches.length);
    expect(csv(join(out, 'problems.csv')).map((p) => `${p.list}:${p.field}`).sort()).toEqual(['right:birthDate', 'right:nik', 'right:sex']);
    expect(summary.right).toBe(csv(join(dir, 'agency-list.csv')).length);
  });

  it('refuses a mapping without a name column or with unknown fields, naming the problem', () => {
    expect(() => parseMapping('nik=NIK')).toThrow(/name=COLUMN/);
    expect(() => parseMapping('name=NAMA,salary=GAJI')).toThrow(/salary=GAJI/);
    expect(parseMapping('name=NAMA, nik = NIK')).toEqual({ name: 'NAMA', nik: 'NIK' });
  });

  it('reads dates and sex the ways lists write them', () => {
    expect(['1970-02-13', '19700213', '13-02-1970', '13/2/1970'].map(parseDate)).toEqual(Array(4).fill('1970-02-13'));
    expect(['1970-02-30', '31-02-1970', 'kemarin'].map(parseDate)).toEqual([null, null, null]);
    expect(['L', 'laki-laki', '1', 'P', 'Perempuan', '2', 'x'].map(parseSex)).toEqual(['M', 'M', 'M', 'F', 'F', 'F', null]);
  });
});
