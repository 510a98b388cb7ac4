import { jsonColumnDue, jsonColumnInClearSql, openJson, PROTECTED, resealJsonColumn, rotateTables, sealJson, type ProtectedTable, type Protector, type SealedIdentity, type TableRotation } from '@satupintu/protection';
import type { DataSource } from 'typeorm';

const C = PROTECTED.registry;

const identityTable = (table: string, idType: ProtectedTable['idType'], context: string, withIndex: boolean): ProtectedTable => ({
  table: `registry.${table}`,
  idType,
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

/** The registry's protected columns (docs/security.md "Encryption at rest"). */
export const REGISTRY_TABLES: ProtectedTable[] = [
  identityTable('persons', 'uuid', C.personIdentity, true),
  identityTable('person_observations', 'bigint', C.observationIdentity, false),
  {
    table: 'registry.families',
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
    table: 'registry.family_history',
    idType: 'bigint',
    columns: ['diff', 'after'],
    types: ['jsonb', 'jsonb'],
    async rewrite(p, row) {
      if (!jsonColumnDue(p, row.diff) && !jsonColumnDue(p, row.after)) return null;
      return [await resealJsonColumn(p, row.diff, C.historyDiff), await resealJsonColumn(p, row.after, C.historyAfter)];
    },
  },
];

/** Every protected value of the registry under a retired key, or still in clear, written again under the active key. */
export function rotateRegistry(db: DataSource, p: Protector, options: { dryRun?: boolean; onProgress?: (t: TableRotation) => void } = {}): Promise<TableRotation[]> {
  return rotateTables(db, p, REGISTRY_TABLES, options);
}

/** True while the registry holds values in clear (written before encryption was turned on; see `protectValuesInClear`). */
export const REGISTRY_IN_CLEAR = `exists (select 1 from registry.persons where identity not like 'sp1.%')
  or exists (select 1 from registry.families where kk not like 'sp1.%')
  or exists (select 1 from registry.person_observations where identity not like 'sp1.%')
  or ${jsonColumnInClearSql('registry.family_history', 'after')}`;
