/**
 * DDL for the outbox and inbox tables every service that consumes or publishes owns in its schema.
 * Used from each service's first migration.
 */
export function outboxAndInboxDdl(schema: string): string[] {
  return [
    `create table "${schema}".outbox (
       id bigserial primary key,
       topic text not null,
       key text not null,
       value text not null,
       headers jsonb not null default '{}'::jsonb,
       created_at timestamptz not null default now()
     )`,
    `create table "${schema}".inbox (
       event_id uuid primary key,
       topic text not null,
       processed_at timestamptz not null default now()
     )`,
  ];
}
