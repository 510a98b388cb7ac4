import { IDENTIFYING_KEYS, sealIdentifiers } from './identifiers';
import { reseal, sealJsonColumn, type Protector } from './protector';

/** What rotation needs of a database connection (a TypeORM DataSource or EntityManager, or a pg client). */
export interface SqlRunner {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/** The rows of a query's answer: TypeORM answers with the rows, pg with `{ rows }`. */
const rowsOf = (result: unknown): Array<Record<string, unknown>> => (Array.isArray(result) ? result : (result as { rows: Array<Record<string, unknown>> }).rows);
/** How many rows an UPDATE ... RETURNING changed: TypeORM answers `[rows, count]`, pg `{ rowCount }`. */
const changedOf = (result: unknown): number =>
  Array.isArray(result) ? (result.length === 2 && typeof result[1] === 'number' ? result[1] : result.length) : ((result as { rowCount: number | null }).rowCount ?? 0);

/** What one table's pass found and did. */
export interface TableRotation {
  table: string;
  scanned: number;
  /** Rows under a retired master key or still in clear (written again unless a dry run). */
  due: number;
  rewritten: number;
  /** Rows that changed between the read and the write (the service wrote them anew, under the active key). */
  changedMeanwhile: number;
}

/**
 * One table's protected columns and how to write a row again. `columns` are read (with `id`) and
 * written; `rewrite` returns their new values in order, or null when nothing is due. The write is
 * conditional on the first column being unchanged (compare and set), so a row the running service
 * changed in between stays as the service wrote it.
 */
export interface ProtectedTable {
  /** Schema-qualified. */
  table: string;
  /**
   * `tid` with `id: 'ctid'` for a table keyed by several columns (its rows' physical positions,
   * PostgreSQL 14+). A rewritten row moves further on and is met again, not due then.
   */
  idType: 'uuid' | 'bigint' | 'text' | 'tid';
  /** The key column (default `id`). */
  id?: string;
  columns: string[];
  types: Array<'text' | 'jsonb'>;
  rewrite(p: Protector, row: Record<string, unknown>): Promise<unknown[] | null>;
}

const CHUNK = 500;
const FIRST: Record<ProtectedTable['idType'], string> = { uuid: '00000000-0000-0000-0000-000000000000', bigint: '-1', text: '', tid: '(0,0)' };

/** A protected JSON document kept in a jsonb column: a JSON string; one written before protection: the document itself. */
export function jsonColumnDue(p: Protector, stored: unknown): boolean {
  return stored !== null && (typeof stored !== 'string' || p.isDue(stored));
}

/** A jsonb column's stored document sealed anew under the active key (its JSON text for the write). */
export async function resealJsonColumn(p: Protector, stored: unknown, context: string): Promise<string | null> {
  if (stored === null) return null;
  return typeof stored === 'string' ? JSON.stringify(await reseal(p, stored, context)) : sealJsonColumn(p, stored, context);
}

/**
 * Writes again every protected value of `tables` that is under a retired master key or still in
 * clear, under the active key: the `rotate` command of each service that keeps protected values, and
 * the protection of values written before encryption was turned on. Chunks of 500 rows in key
 * order, each one short statement, beside the running service. Stopped and started again it finds
 * the rows still due (the others are under the active key) and goes on.
 */
export async function rotateTables(db: SqlRunner, p: Protector, tables: ProtectedTable[], options: { dryRun?: boolean; onProgress?: (t: TableRotation) => void } = {}): Promise<TableRotation[]> {
  const reports: TableRotation[] = [];
  for (const spec of tables) {
    const id = spec.id ?? 'id';
    const report: TableRotation = { table: spec.table, scanned: 0, due: 0, rewritten: 0, changedMeanwhile: 0 };
    let last = FIRST[spec.idType];
    for (;;) {
      // The key as text under a name of its own: ordered by the key itself (an alias `id` would order bigints and tids as text).
      const rows = rowsOf(await db.query(`select ${id}::text as rotation_key, ${spec.columns.join(', ')} from ${spec.table} where ${id} > $1::${spec.idType} order by ${id} limit ${CHUNK}`, [last]));
      if (rows.length === 0) break;
      last = rows[rows.length - 1].rotation_key as string;
      report.scanned += rows.length;
      const due: Array<{ id: string; old: unknown; values: unknown[] }> = [];
      for (const row of rows) {
        const values = await spec.rewrite(p, row);
        const stored = row[spec.columns[0]];
        if (values) due.push({ id: row.rotation_key as string, old: spec.types[0] === 'jsonb' ? JSON.stringify(stored) : stored, values });
      }
      report.due += due.length;
      if (due.length > 0 && !options.dryRun) {
        // Every value goes as text (jsonb ones cast back), the guard too.
        const [guard] = spec.columns;
        const jsonb = (i: number) => (spec.types[i] === 'jsonb' ? '::jsonb' : '');
        const columns = spec.columns.map((c, i) => `${c} = u.${c}${jsonb(i)}`).join(', ');
        const arrays = spec.columns.map((_, i) => `$${i + 3}::text[]`).join(', ');
        const result = await db.query(
          `update ${spec.table} t set ${columns}
             from unnest($1::${spec.idType}[], $2::text[], ${arrays}) as u(id, old, ${spec.columns.join(', ')})
            where t.${id} = u.id and t.${guard} is not distinct from u.old${jsonb(0)}
            returning 1`,
          [due.map((d) => d.id), due.map((d) => d.old), ...spec.columns.map((_, i) => due.map((d) => d.values[i]))],
        );
        const updated = changedOf(result);
        report.rewritten += updated;
        report.changedMeanwhile += due.length - updated;
      }
      options.onProgress?.(report);
    }
    reports.push(report);
  }
  return reports;
}

/**
 * A table keeping a document in two columns, as {@link sealIdentifiers} splits it: `doc` without
 * its identifying values and `identity` with them sealed. A row written before protection (identity
 * null) is split; a row under a retired key gets its identity sealed anew.
 */
export function splitDocumentTable(table: string, id: string, doc: string, context: string, keys: ReadonlySet<string> = IDENTIFYING_KEYS): ProtectedTable {
  return {
    table,
    id,
    idType: 'uuid',
    columns: ['identity', doc],
    types: ['text', 'jsonb'],
    async rewrite(p, row) {
      const stored = row.identity as string | null;
      if (row[doc] === null) return null;
      if (stored === null) {
        const { rest, identity } = await sealIdentifiers(p, row[doc], context, keys);
        return [identity, JSON.stringify(rest)];
      }
      if (!p.isDue(stored)) return null;
      return [await reseal(p, stored, context), JSON.stringify(row[doc])];
    },
  };
}

/** A table keeping a whole JSON document sealed in one jsonb column (`sealJson`, stored as a JSON string). */
export function sealedJsonTable(table: string, id: string, idType: ProtectedTable['idType'], column: string, context: string): ProtectedTable {
  return {
    table,
    id,
    idType,
    columns: [column],
    types: ['jsonb'],
    async rewrite(p, row) {
      return jsonColumnDue(p, row[column]) ? [await resealJsonColumn(p, row[column], context)] : null;
    },
  };
}

/** SQL true while a jsonb column of sealed documents holds one in clear (a document, or a JSON string not sealed: PROTECTION=off). */
export function jsonColumnInClearSql(table: string, column: string): string {
  return `exists (select 1 from ${table} where ${column} is not null and (jsonb_typeof(${column}) <> 'string' or (${column} #>> '{}') not like 'sp1.%'))`;
}
