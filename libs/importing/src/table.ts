import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { detectDelimiter, encodingName, looksBinary, type Delimiter, type TextEncodingName } from './text';

/**
 * Agency lists as they come, read as a stream of rows: CSV (`,` `;` or tab, detected; a BOM; UTF-8
 * or Windows-1252, detected or given) or XLSX (the first sheet or a named one, through exceljs's
 * streaming reader). A row that cannot be read is reported and skipped; the rest go on.
 */
export type TableFormat = 'csv' | 'xlsx';

export interface TableSource {
  path: string;
  /** Given, or found from the bytes (an XLSX is a zip archive). */
  format?: TableFormat;
  /** CSV only: given (utf-8, windows-1252/latin-1), or detected. */
  encoding?: string;
  /** XLSX only: the sheet's name; the first sheet when absent. */
  sheet?: string;
}

/** How the file was read, for the job and its report. */
export interface TableInfo {
  format: TableFormat;
  bytes: number;
  sha256: string;
  encoding: TextEncodingName | null;
  encodingDetected: boolean;
  delimiter: Delimiter | null;
  sheet: string | null;
  header: string[];
}

export interface TableRow {
  kind: 'row';
  /** The line (CSV: where the record ends) or row number (XLSX) in the file, the header being 1. */
  row: number;
  cells: Record<string, string>;
  /** Cells the reader could not take as they are (a formula without a value, an error cell). */
  problems: Array<{ column: string; code: string; message: string }>;
}

export interface UnreadableRow {
  kind: 'unreadable';
  row: number;
  message: string;
}

/** A clear refusal of the whole file (before any row is taken). */
export class TableError extends Error {
  constructor(
    readonly code: 'EMPTY_FILE' | 'NOT_A_TABLE' | 'WRONG_ENCODING' | 'NO_SUCH_SHEET' | 'BAD_HEADER' | 'UNREADABLE_FILE',
    message: string,
  ) {
    super(message);
  }
}

const MAX_RECORD_BYTES = 1_000_000;
const MAX_RECORD_LINES = 5;

/**
 * One pass over the bytes (hash, size, UTF-8 validity) and the header. Refuses, with a code, an
 * empty file, a file that is neither text nor an XLSX, a declared UTF-8 that is not, a missing sheet.
 */
export async function inspectTable(source: TableSource): Promise<TableInfo> {
  const head = await firstBytes(source.path, 65_536);
  if (head.length === 0) throw new TableError('EMPTY_FILE', 'the file is empty');
  const format: TableFormat = source.format ?? (head.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04])) ? 'xlsx' : 'csv');
  const hash = createHash('sha256');
  let bytes = 0;
  let utf8 = true;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for await (const chunk of createReadStream(source.path)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
    if (format === 'csv' && utf8) {
      try {
        decoder.decode(chunk as Buffer, { stream: true });
      } catch {
        utf8 = false;
      }
    }
  }
  if (format === 'csv' && utf8) {
    try {
      decoder.decode();
    } catch {
      utf8 = false;
    }
  }
  const sha256 = hash.digest('hex');
  if (format === 'xlsx') {
    const header = await xlsxHeader(source);
    return { format, bytes, sha256, encoding: null, encodingDetected: false, delimiter: null, sheet: header.sheet, header: header.cells };
  }
  let encoding: TextEncodingName;
  let encodingDetected = false;
  if (source.encoding !== undefined) {
    encoding = encodingName(source.encoding);
    if (encoding === 'utf-8' && !utf8) throw new TableError('WRONG_ENCODING', 'the file was declared UTF-8 but is not valid UTF-8 (Windows-1252? give encoding windows-1252, or leave it out to detect)');
  } else {
    encoding = utf8 ? 'utf-8' : 'windows-1252';
    encodingDetected = true;
  }
  const text = new TextDecoder(encoding).decode(head).replace(/^\uFEFF/, '');
  if (looksBinary(text.slice(0, 8192))) throw new TableError('NOT_A_TABLE', 'the file is neither a CSV text nor an XLSX workbook');
  if (text.trim() === '') throw new TableError('EMPTY_FILE', 'the file holds no rows');
  const delimiter = detectDelimiter(text);
  let header: string[];
  try {
    header = ((parse(text.split(/\r?\n/, 1)[0], { delimiter, relax_quotes: true, trim: true }) as string[][])[0] ?? []).map((h) => h.trim());
  } catch {
    throw new TableError('BAD_HEADER', 'the first line is not a header of column names');
  }
  checkHeader(header);
  return { format, bytes, sha256, encoding, encodingDetected, delimiter, sheet: null, header };
}

function checkHeader(header: string[]) {
  if (header.filter((h) => h !== '').length === 0) throw new TableError('BAD_HEADER', 'the first line names no columns');
  if (header.length > 500 || header.some((h) => h.length > 200)) throw new TableError('BAD_HEADER', 'the first line is not a header of column names (too many or too long)');
}

/** The rows after the header, in file order. */
export async function* readTable(source: TableSource, info: TableInfo): AsyncGenerator<TableRow | UnreadableRow> {
  if (info.format === 'xlsx') yield* readXlsx(source, info);
  else yield* readCsv(source, info);
}

/**
 * CSV records line by line: a record runs over several lines only while a quoted cell is open (a
 * cell with a line break), at most MAX_RECORD_LINES; a record that stays open longer, or does not
 * parse, is one unreadable row and reading resumes on the next line. So an unclosed quote costs
 * one row, never the rest of the file.
 */
async function* readCsv(source: TableSource, info: TableInfo): AsyncGenerator<TableRow | UnreadableRow> {
  const decoder = new TextDecoder(info.encoding ?? 'utf-8');
  const delimiter = info.delimiter ?? ',';
  let carry = '';
  let line = 0;
  let pending: string[] = [];
  let pendingStart = 0;
  const recordOf = function* (text: string, at: number): Generator<TableRow | UnreadableRow> {
    if (text.trim() === '') return;
    let cellsRead: string[];
    try {
      cellsRead = (parse(text, { delimiter, relax_quotes: true, relax_column_count: true }) as string[][])[0] ?? [];
    } catch {
      yield { kind: 'unreadable', row: at, message: 'the row could not be read (broken quotes or separators): skipped' };
      return;
    }
    const cells: Record<string, string> = {};
    info.header.forEach((h, i) => {
      if (h !== '' && cellsRead[i] !== undefined) cells[h] = cellsRead[i].trim();
    });
    const extra = cellsRead.length > info.header.length && cellsRead.slice(info.header.length).some((c) => c.trim() !== '');
    yield { kind: 'row', row: at, cells, problems: extra ? [{ column: '*', code: 'EXTRA_CELLS', message: 'more cells than columns: the extra cells are ignored' }] : [] };
  };
  const takeLine = function* (text: string): Generator<TableRow | UnreadableRow> {
    line += 1;
    if (line === 1) return; // the header
    if (pending.length === 0) pendingStart = line;
    pending.push(text);
    const joined = pending.join('\n');
    const open = (joined.match(/"/g)?.length ?? 0) % 2 === 1;
    if (open && pending.length < MAX_RECORD_LINES && joined.length < MAX_RECORD_BYTES) return;
    // A cell over several lines must give a record of the header's width; else the first line was broken.
    if (open || (pending.length > 1 && cellCount(joined, delimiter) !== info.header.length)) {
      // Give up on the first line only, and read the lines after it again.
      const rest = pending.slice(1);
      yield { kind: 'unreadable', row: pendingStart, message: 'a quote is not closed on this row: skipped' };
      pending = [];
      line -= rest.length;
      for (const r of rest) yield* takeLine(r);
      return;
    }
    pending = [];
    yield* recordOf(joined, pendingStart);
  };
  for await (const chunk of createReadStream(source.path)) {
    const text = carry + decoder.decode(chunk as Buffer, { stream: true });
    const lines = text.split(/\r?\n/);
    carry = lines.pop() ?? '';
    for (const l of lines) yield* takeLine(line === 0 ? l.replace(/^\uFEFF/, '') : l);
  }
  const last = carry + decoder.decode();
  if (last !== '') yield* takeLine(last);
  if (pending.length > 0) {
    const rest = pending.slice(1);
    yield { kind: 'unreadable', row: pendingStart, message: 'a quote is never closed on this row: skipped' };
    pending = [];
    line -= rest.length;
    for (const r of rest) yield* takeLine(r);
    if (pending.length > 0) yield { kind: 'unreadable', row: pendingStart, message: 'a quote is never closed on this row: skipped' };
  }
}

function cellCount(text: string, delimiter: string): number {
  try {
    return ((parse(text, { delimiter, relax_quotes: true, relax_column_count: true }) as string[][])[0] ?? []).length;
  } catch {
    return -1;
  }
}

type XlsxCell = ExcelJS.CellValue;

/** A cell as text: formulas by their computed value, dates as ISO dates, rich text joined. */
export function xlsxCellText(value: XlsxCell): { text: string; problem?: { code: string; message: string } } {
  if (value === null || value === undefined) return { text: '' };
  if (typeof value === 'string') return { text: value.trim() };
  if (typeof value === 'number') return { text: Number.isInteger(value) && !Number.isSafeInteger(value) ? value.toFixed(0) : String(value), problem: Number.isSafeInteger(value) || !Number.isInteger(value) ? undefined : { code: 'NUMBER_PRECISION', message: 'a number too long for a spreadsheet number: digits may be lost (store NIK and KK as text)' } };
  if (typeof value === 'boolean') return { text: value ? 'TRUE' : 'FALSE' };
  if (value instanceof Date) return { text: value.toISOString().slice(0, 10) };
  if (typeof value === 'object') {
    if ('richText' in value) return { text: value.richText.map((r) => r.text).join('').trim() };
    if ('error' in value) return { text: '', problem: { code: 'ERROR_CELL', message: `the cell holds an error (${String(value.error)})` } };
    if ('formula' in value || 'sharedFormula' in value) {
      const result = (value as { result?: unknown }).result;
      if (result === undefined || result === null) return { text: '', problem: { code: 'FORMULA_WITHOUT_VALUE', message: 'a formula without a computed value (open and save the file in a spreadsheet program)' } };
      if (typeof result === 'object' && result !== null && 'error' in result) return { text: '', problem: { code: 'ERROR_CELL', message: 'the formula gives an error' } };
      return xlsxCellText(result as XlsxCell);
    }
    if ('text' in value) return { text: String((value as { text: unknown }).text).trim() };
  }
  return { text: String(value) };
}

function reader(path: string) {
  return new ExcelJS.stream.xlsx.WorkbookReader(path, { sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'cache', worksheets: 'emit', entries: 'ignore' });
}

async function* xlsxRows(source: TableSource): AsyncGenerator<{ sheet: string; row: ExcelJS.Row }> {
  let found = false;
  try {
    for await (const sheet of reader(source.path)) {
      const name = (sheet as unknown as { name: string }).name;
      if (found || (source.sheet !== undefined && name !== source.sheet)) {
        for await (const _ of sheet as AsyncIterable<unknown>) void _;
        continue;
      }
      found = true;
      for await (const row of sheet as AsyncIterable<ExcelJS.Row>) yield { sheet: name, row };
    }
  } catch (e) {
    if (e instanceof TableError) throw e;
    throw new TableError('NOT_A_TABLE', `not a readable XLSX workbook (${(e as Error).message.slice(0, 120)})`);
  }
  if (!found) throw new TableError('NO_SUCH_SHEET', source.sheet === undefined ? 'the workbook has no sheet' : `the workbook has no sheet named "${source.sheet}"`);
}

async function xlsxHeader(source: TableSource): Promise<{ sheet: string; cells: string[] }> {
  for await (const { sheet, row } of xlsxRows(source)) {
    const values = row.values as XlsxCell[];
    const cells = Array.from({ length: Math.max(0, values.length - 1) }, (_, i) => xlsxCellText(values[i + 1]).text);
    checkHeader(cells);
    return { sheet, cells };
  }
  throw new TableError('EMPTY_FILE', source.sheet === undefined ? 'the first sheet holds no rows' : `the sheet "${source.sheet}" holds no rows`);
}

async function* readXlsx(source: TableSource, info: TableInfo): AsyncGenerator<TableRow> {
  let first = true;
  for await (const { row } of xlsxRows({ ...source, sheet: info.sheet ?? source.sheet })) {
    if (first) {
      first = false;
      continue;
    }
    const values = row.values as XlsxCell[];
    const cells: Record<string, string> = {};
    const problems: TableRow['problems'] = [];
    info.header.forEach((h, i) => {
      if (h === '') return;
      const { text, problem } = xlsxCellText(values[i + 1]);
      if (text !== '') cells[h] = text;
      if (problem) problems.push({ column: h, ...problem });
    });
    if (Object.keys(cells).length === 0 && problems.length === 0) continue;
    yield { kind: 'row', row: row.number, cells, problems };
  }
}

async function firstBytes(path: string, n: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(n);
    const { bytesRead } = await handle.read(buffer, 0, n, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
