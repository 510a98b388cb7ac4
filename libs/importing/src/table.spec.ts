import ExcelJS from 'exceljs';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspectTable, readTable, TableError, type TableRow, type UnreadableRow } from './table';

const dir = mkdtempSync(join(tmpdir(), 'sp-table-'));
const file = (name: string, bytes: Buffer | string) => {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
};
const all = async (path: string, options = {}) => {
  const info = await inspectTable({ path, ...options });
  const rows: Array<TableRow | UnreadableRow> = [];
  for await (const r of readTable({ path, ...options }, info)) rows.push(r);
  return { info, rows };
};

describe('reading agency files', () => {
  it('detects Windows-1252, the separator and a BOM, and skips a broken row with its line', async () => {
    const text = 'NAMA;TGL_LAHIR\r\nJos\u00e9 Ma\u00eftre;17/08/1980\r\n"Ana;1990\r\nSiti;01/01/1990\r\n"Jl. Mawar\r\nNo. 5";2000\r\n';
    const { info, rows } = await all(file('latin.csv', Buffer.from(text, 'latin1')));
    expect(info).toMatchObject({ format: 'csv', encoding: 'windows-1252', encodingDetected: true, delimiter: ';', header: ['NAMA', 'TGL_LAHIR'] });
    const read = rows.filter((r): r is TableRow => r.kind === 'row');
    expect(read[0].cells.NAMA).toBe('Jos\u00e9 Ma\u00eftre');
    expect(read.map((r) => r.cells.NAMA)).toEqual(['Jos\u00e9 Ma\u00eftre', 'Siti', 'Jl. Mawar\nNo. 5']);
    expect(rows.filter((r) => r.kind === 'unreadable')).toEqual([expect.objectContaining({ row: 3 })]);
    const bom = await all(file('bom.csv', '\uFEFFNAMA,JK\nSiti,P\n'));
    expect(bom.info.header).toEqual(['NAMA', 'JK']);
  });

  it('refuses an empty file, garbage, and UTF-8 declared for Windows-1252 bytes', async () => {
    await expect(inspectTable({ path: file('empty.csv', '') })).rejects.toMatchObject({ code: 'EMPTY_FILE' });
    await expect(inspectTable({ path: file('garbage.bin', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256))) })).rejects.toBeInstanceOf(TableError);
    await expect(inspectTable({ path: file('latin2.csv', Buffer.from('NAMA\nJos\u00e9\n', 'latin1')), encoding: 'utf-8' })).rejects.toMatchObject({ code: 'WRONG_ENCODING' });
  });

  it('reads an XLSX sheet: formulas by value, dates as dates, merged cells and a missing sheet said', async () => {
    const workbook = new ExcelJS.Workbook();
    const other = workbook.addWorksheet('Catatan');
    other.addRow(['bukan data']);
    const sheet = workbook.addWorksheet('Data');
    sheet.addRow(['NAMA', 'TGL_LAHIR', 'UMUR', 'NIK']);
    sheet.addRow(['Dadang', new Date(Date.UTC(1980, 0, 15)), { formula: '2026-1980', result: 46 }, 9471011501800001]);
    sheet.addRow(['Siti', '01/01/1990', { formula: 'A1' }, '3201014101900001']);
    sheet.mergeCells('A4:A5');
    sheet.getCell('A4').value = 'Rina';
    sheet.getCell('B4').value = '02/02/2000';
    const path = join(dir, 'list.xlsx');
    await workbook.xlsx.writeFile(path);
    const { info, rows } = await all(path, { sheet: 'Data' });
    expect(info).toMatchObject({ format: 'xlsx', sheet: 'Data', header: ['NAMA', 'TGL_LAHIR', 'UMUR', 'NIK'] });
    const read = rows as TableRow[];
    expect(read[0].cells).toMatchObject({ NAMA: 'Dadang', TGL_LAHIR: '1980-01-15', UMUR: '46' });
    expect(read[0].problems.map((p) => p.code)).toEqual(['NUMBER_PRECISION']);
    expect(read[1].problems.map((p) => p.code)).toEqual(['FORMULA_WITHOUT_VALUE']);
    expect(read[2].cells.NAMA).toBe('Rina');
    await expect(inspectTable({ path, sheet: 'Tidak Ada' })).rejects.toMatchObject({ code: 'NO_SUCH_SHEET' });
  });
});
