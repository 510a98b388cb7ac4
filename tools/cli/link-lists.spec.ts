import { parseDate, parseSex } from '@satupintu/matching';
import { officialRegions } from '@satupintu/domain';
import { parse } from 'csv-parse/sync';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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
    const summary = linkLists({ left: join(dir, 'registry-extract.csv'), right: join(dir, 'agency-list.csv'), mapping: MAPPING, idColumn: 'ID', mergeAt: 18, reviewAt: 12, out });

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

describe('list files as agencies have them', () => {
  const dir = mkdtempSync(join(tmpdir(), 'files-'));
  const write = (name: string, content: string | Buffer) => {
    const file = join(dir, name);
    writeFileSync(file, content);
    return file;
  };
  const run = (file: string, extra: Partial<Parameters<typeof linkLists>[0]> = {}) => linkLists({ left: file, mapping: 'name=NAMA,birthDate=TGL_LAHIR,sex=JK', mergeAt: 18, reviewAt: 12, out: join(dir, 'out'), ...extra });

  it('detects ; and tab separators and Windows-1252 text, and says so', () => {
    const semi = write('semi.csv', Buffer.from('NAMA;TGL_LAHIR;JK\nSiti Aminah;04/03/1984;P\nSITI AMINAH;04/03/1984;P\nJos\xe9 Bambang;01/01/1970;L\n', 'latin1'));
    const s = run(semi);
    expect(s.files[0]).toEqual(expect.objectContaining({ delimiter: ';', encoding: 'windows-1252', encodingDetected: true, rows: 3 }));
    expect(s.matches).toBe(1);
    const tab = write('tab.tsv', 'NAMA\tTGL_LAHIR\tJK\nBudi\t1970-01-01\tL\n');
    expect(run(tab).files[0].delimiter).toBe('\t');
    expect(() => run(semi, { encoding: 'utf-8' })).toThrow(/not valid UTF-8/);
  });

  it('keeps going past a broken row, and refuses a missing column, an empty file and a threshold that is not a number', () => {
    const broken = write('broken.csv', 'NAMA,TGL_LAHIR,JK\nBudi,1970-01-01,L\n"Agus,1970-01-01,L\nSiti,1980-02-02,P\n');
    const s = run(broken);
    expect(s.left).toBeGreaterThanOrEqual(1);
    expect(() => run(broken, { idColumn: 'NO_URUT' })).toThrow(/no column NO_URUT/);
    expect(() => run(write('empty.csv', ''))).toThrow(/empty/);
    expect(() => run(broken, { mergeAt: Number('abc') })).toThrow(/--merge-at: expected a number/);
  });
});
