import { jsonColumnInClearSql, PROTECTED, reseal, rotateTables, sealedJsonTable, type ProtectedTable, type Protector, type TableRotation } from '@satupintu/protection';
import type { DataSource } from 'typeorm';

const S = PROTECTED.subscriptions;

/** The subscriptions service's protected columns: the agencies' views and webhook bodies (docs/security.md "Encryption at rest"). */
export const SUBSCRIPTIONS_TABLES: ProtectedTable[] = [
  sealedJsonTable('subscriptions.agency_families', 'ctid', 'tid', 'payload', S.agencyView),
  {
    table: 'subscriptions.webhook_deliveries',
    idType: 'bigint',
    columns: ['body'],
    types: ['text'],
    async rewrite(p, row) {
      const body = row.body as string;
      // An emptied body (retention) stays empty.
      return body !== '' && p.isDue(body) ? [await reseal(p, body, S.webhookBody)] : null;
    },
  },
];

export function rotateSubscriptions(db: DataSource, p: Protector, options: { dryRun?: boolean; onProgress?: (t: TableRotation) => void } = {}): Promise<TableRotation[]> {
  return rotateTables(db, p, SUBSCRIPTIONS_TABLES, options);
}

/** True while the subscriptions service holds values in clear (see `protectValuesInClear`). */
export const SUBSCRIPTIONS_IN_CLEAR = `${jsonColumnInClearSql('subscriptions.agency_families', 'payload')}
  or exists (select 1 from subscriptions.webhook_deliveries where body <> '' and body not like 'sp1.%')`;
