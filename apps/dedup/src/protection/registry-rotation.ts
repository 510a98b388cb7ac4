import { openJson, PROTECTED, sealJson, type Protector, type SealedIdentity } from '@satupintu/protection';
import type { DataSource } from 'typeorm';

const C = PROTECTED.registry;
const CHUNK = 500;

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
 * One table's protected columns: which rows are due, and how to write a row again. `values` are the
 * new values of `columns`, in order; `guard` is the column the write is conditional on (compare and
 * set), so a row the running service changed in between is left as the service wrote it.
 */
interface TableSpec {
  table: string;
  idType: 'uuid' | 'bigint';
  columns: string[];
  types: string[];
  /** Reads the row's stored values; returns the new ones, or null when nothing is due. */
  rewrite(p: Protector, row: Record<string, unknown>): Promise<unknown[] | null>;
}

/** A protected JSON document is stored in a jsonb column as a JSON string; one written before protection is the document itself. */
const jsonDue = (p: Protector, v: unknown): boolean => typeof v !== 'string' || p.isDue(v);
const reseal = async (p: Protector, v: unknown, context: string): Promise<string> =>
  p.seal(typeof v === 'string' ? await p.open(v, context) : JSON.stringify(v), context);

const identityTable = (table: string, context: string, withIndex: boolean): TableSpec => ({
  table,
  idType: table === 'persons' ? 'uuid' : 'bigint',
  columns: withIndex ? ['identity', 'nik_index'] : ['identity'],
  types: withIndex ? ['text', 'text'] : ['text'],
  async rewrite(p, row) {
    const stored = row.identity as string;
    if (!p.isDue(stored)) return null;
    const identity = await openJson<SealedIdentity>(p, stored, context);
    const sealed = await sealJson(p, identity, context);
    return withIndex ? [sealed, identity.nik === null ? null : p.index('nik', identity.nik)] : [sealed];
  },
});

const SPECS: TableSpec[] = [
  identityTable('persons', C.personIdentity, true),
  identityTable('person_observations', C.observationIdentity, false),
  {
    table: 'families',
    idType: 'uuid',
    columns: ['kk', 'kk_index'],
    types: ['text', 'text'],
    async rewrite(p, row) {
      const stored = row.kk as string;
      if (!p.isDue(stored)) return null;
      const kk = await p.open(stored, C.familyKk);
      return [await p.seal(kk, C.familyKk), p.index('kk', kk)];
    },
  },
  {
    table: 'family_history',
    idType: 'bigint',
    columns: ['diff', 'after'],
    types: ['jsonb', 'jsonb'],
    async rewrite(p, row) {
      if (!jsonDue(p, row.diff) && !jsonDue(p, row.after)) return null;
      return [JSON.stringify(await reseal(p, row.diff, C.historyDiff)), JSON.stringify(await reseal(p, row.after, C.historyAfter))];
    },
  },
];

/**
 * Writes again every protected value of the registry that is under a retired master key or still in
 * clear, under the active key (docs/security.md "Encryption at rest"): `rotate` after a new key was
 * made active, and the upgrade of a registry written before encryption. It runs beside the service,
 * in chunks of 500 rows in id order, each one short statement: nothing stops. Stopped and started
 * again it finds the rows still due (the others are under the active key) and goes on.
 */
export async function rotateRegistry(db: DataSource, p: Protector, options: { dryRun?: boolean; onProgress?: (t: TableRotation) => void } = {}): Promise<TableRotation[]> {
  const reports: TableRotation[] = [];
  for (const spec of SPECS) {
    const report: TableRotation = { table: `registry.${spec.table}`, scanned: 0, due: 0, rewritten: 0, changedMeanwhile: 0 };
    let last: string = spec.idType === 'uuid' ? '00000000-0000-0000-0000-000000000000' : '0';
    for (;;) {
      const rows: Array<Record<string, unknown>> = await db.query(
        `select id::text as id, ${spec.columns.join(', ')} from registry.${spec.table} where id > $1::${spec.idType} order by id limit ${CHUNK}`,
        [last],
      );
      if (rows.length === 0) break;
      last = rows[rows.length - 1].id as string;
      report.scanned += rows.length;
      const due: Array<{ id: string; old: string; values: unknown[] }> = [];
      for (const row of rows) {
        const values = await spec.rewrite(p, row);
        const stored = row[spec.columns[0]];
        if (values) due.push({ id: row.id as string, old: spec.types[0] === 'jsonb' ? JSON.stringify(stored) : (stored as string), values });
      }
      report.due += due.length;
      if (due.length > 0 && !options.dryRun) {
        // Compare and set on the first column: a row the service rewrote in between stays as it is.
        const guard = spec.columns[0];
        const guardCompare = spec.types[0] === 'jsonb' ? `t.${guard} = u.old::jsonb` : `t.${guard} = u.old`;
        const casts = spec.columns.map((_, i) => `$${i + 3}::text[]`).join(', ');
        const assign = spec.columns.map((c, i) => (spec.types[i] === 'jsonb' ? `${c} = u.${c}::jsonb` : `${c} = u.${c}`)).join(', ');
        const [, updated]: [unknown, number] = await db.query(
          `update registry.${spec.table} t set ${assign}
             from unnest($1::${spec.idType}[], $2::text[], ${casts}) as u(id, old, ${spec.columns.join(', ')})
            where t.id = u.id and ${guardCompare}`,
          [due.map((d) => d.id), due.map((d) => d.old), ...spec.columns.map((_, i) => due.map((d) => d.values[i]))],
        );
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
 * Whether the registry still holds values in clear (written before encryption was turned on). The
 * service protects them before it takes work, so blind-index look-ups find every row.
 */
export async function registryHasValuesInClear(db: DataSource): Promise<boolean> {
  const [row]: Array<{ clear: boolean }> = await db.query(
    `select exists (select 1 from registry.persons where identity not like 'sp1.%')
         or exists (select 1 from registry.families where kk not like 'sp1.%')
         or exists (select 1 from registry.person_observations where identity not like 'sp1.%')
         or exists (select 1 from registry.family_history where jsonb_typeof(after) <> 'string') as clear`,
  );
  return row.clear;
}
