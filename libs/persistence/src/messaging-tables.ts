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

/**
 * Data minimisation of a service's copy of family states (`<schema>.families.state`): the KK and
 * the members' NIKs and names are dropped from every stored state (docs/security.md). Used by the
 * migrations of the services that only count or evaluate families.
 */
export function dropDirectIdentifiersSql(schema: string): string {
  return `update "${schema}".families
     set state = (state - 'kk') || jsonb_build_object('members', (
       select coalesce(jsonb_agg(m.member - 'nik' - 'name' order by m.n), '[]'::jsonb)
         from jsonb_array_elements(state->'members') with ordinality as m(member, n)))
   where state ? 'kk' or jsonb_path_exists(state, '$.members[*] ? (exists(@.nik) || exists(@.name))')`;
}
