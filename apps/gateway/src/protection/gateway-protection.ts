import { isProtected, jsonColumnInClearSql, PROTECTED, reseal, sealedJsonTable, rotateTables, splitDocumentTable, type ProtectedTable, type Protector, type TableRotation } from '@satupintu/protection';
import type { DataSource } from 'typeorm';
import { RegistryReadModel, type StoredState } from '../registry/read-model';

const G = PROTECTED.gateway;

/**
 * The gateway's protected columns (docs/security.md "Encryption at rest"). Uploaded list files are
 * sealed too, but live only while their import runs (a failed job's file until retention): rotate
 * once the running imports are done.
 */
export function gatewayTables(readModel: RegistryReadModel): ProtectedTable[] {
  return [
    {
      table: 'gateway.registry_families',
      id: 'family_id',
      idType: 'uuid',
      columns: ['identity', 'state', 'kk_index'],
      types: ['text', 'jsonb', 'text'],
      async rewrite(p, row) {
        if (row.state === null) return null;
        const identity = row.identity as string | null;
        if (identity === null || !isProtected(identity)) {
          // Written before protection (the whole state, or its identifiers in clear; the KK and NIKs themselves as their indexes): split anew.
          const r = await readModel.toRow(await readModel.fromRow(row.state as StoredState, identity));
          return [r.identity, JSON.stringify(r.state), r.kkIndex];
        }
        if (!p.isDue(identity)) return null;
        return [await reseal(p, identity, G.familyIdentity), JSON.stringify(row.state as StoredState), row.kk_index];
      },
    },
    splitDocumentTable('gateway.review_tasks', 'task_id', 'task', G.reviewIdentity),
    splitDocumentTable('gateway.merges', 'merge_id', 'merge', G.mergeIdentity),
    sealedJsonTable('gateway.dci_deliveries', 'seq', 'bigint', 'message', G.dciMessage),
  ];
}

/** Members' NIKs stored in clear before protection, replaced by their blind indexes (chunk by chunk). */
async function indexMembersInClear(db: DataSource, p: Protector): Promise<number> {
  let done = 0;
  for (;;) {
    const rows: Array<{ nik: string }> = await db.query(`select distinct nik_index as nik from gateway.registry_members where nik_index ~ '^[0-9]{16}$' limit 500`);
    if (rows.length === 0) return done;
    await db.query(
      `update gateway.registry_members m set nik_index = u.idx from unnest($1::text[], $2::text[]) as u(nik, idx) where m.nik_index = u.nik`,
      [rows.map((r) => r.nik), rows.map((r) => p.index('nik', r.nik))],
    );
    done += rows.length;
  }
}

/** Rotation of every protected gateway value (the `rotate` command), and the members' indexes. */
export async function rotateGateway(db: DataSource, p: Protector, options: { dryRun?: boolean; onProgress?: (t: TableRotation) => void } = {}): Promise<TableRotation[]> {
  const tables = await rotateTables(db, p, gatewayTables(new RegistryReadModel(p)), options);
  if (!options.dryRun) await indexMembersInClear(db, p);
  return tables;
}

/** True while the gateway holds values in clear (written before encryption was turned on; see `protectValuesInClear`). */
export const GATEWAY_IN_CLEAR = `exists (select 1 from gateway.registry_families where (identity is null or identity not like 'sp1.%') and state is not null)
  or exists (select 1 from gateway.registry_members where nik_index ~ '^[0-9]{16}$')
  or exists (select 1 from gateway.review_tasks where identity is null or identity not like 'sp1.%')
  or exists (select 1 from gateway.merges where identity is null or identity not like 'sp1.%')
  or ${jsonColumnInClearSql('gateway.dci_deliveries', 'message')}`;
