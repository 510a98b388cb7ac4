import type { EntityManager } from 'typeorm';

export interface OutboxRow {
  topic: string;
  key: string;
  /** Encoded JSON (see encodeEvent in @satupintu/kafka). */
  value: string;
  headers: Record<string, string>;
}

/** Writes events into the outbox inside the caller's transaction: one statement for all rows. */
export async function enqueueOutbox(manager: EntityManager, schema: string, rows: OutboxRow[]): Promise<void> {
  if (rows.length === 0) return;
  await manager.query(
    `insert into "${schema}".outbox (topic, key, value, headers)
     select t.topic, t.key, t.value, t.headers
       from unnest($1::text[], $2::text[], $3::text[], $4::jsonb[]) with ordinality as t(topic, key, value, headers, n)
      order by t.n`,
    [rows.map((r) => r.topic), rows.map((r) => r.key), rows.map((r) => r.value), rows.map((r) => JSON.stringify(r.headers))],
  );
}
