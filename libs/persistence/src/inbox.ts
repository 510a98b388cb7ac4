import type { EntityManager } from 'typeorm';

/**
 * Records event ids as processed inside the caller's transaction and returns the ids that were new.
 * Events whose id is already in the inbox were handled before (a redelivery) and must be skipped.
 */
export async function claimInbox(
  manager: EntityManager,
  schema: string,
  events: Array<{ eventId: string; topic: string }>,
): Promise<Set<string>> {
  if (events.length === 0) return new Set();
  const rows: Array<{ event_id: string }> = await manager.query(
    `insert into "${schema}".inbox (event_id, topic)
     select * from unnest($1::uuid[], $2::text[])
     on conflict (event_id) do nothing
     returning event_id`,
    [events.map((e) => e.eventId), events.map((e) => e.topic)],
  );
  return new Set(rows.map((r) => r.event_id));
}
