import { AGENCY_CLOUD_EVENT_TYPES, agencyTopics, CLOUD_EVENT_HEADERS, HEADERS } from '@satupintu/contracts';
import type { OutgoingMessage } from '@satupintu/kafka';
import { createHash } from 'node:crypto';

export const CLOUD_EVENT_SOURCE = '/satupintu/subscriptions';
const DATA_SCHEMA: Record<string, string> = {
  [AGENCY_CLOUD_EVENT_TYPES.familyUpserted]: 'urn:satupintu:schema:agency-family-event:v1',
  [AGENCY_CLOUD_EVENT_TYPES.familyRemoved]: 'urn:satupintu:schema:agency-family-event:v1',
  [AGENCY_CLOUD_EVENT_TYPES.decisionChanged]: 'urn:satupintu:schema:agency-decision-event:v1',
  [AGENCY_CLOUD_EVENT_TYPES.grantChanged]: 'urn:satupintu:schema:agency-grant-event:v1',
};

/** A UUID derived from its parts: the same event always gets the same id, so retries are recognisable. */
export function stableUuid(...parts: Array<string | number>): string {
  const h = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export interface AgencyEvent {
  agencyId: string;
  id: string;
  type: string;
  subject: string;
  time: string;
  data: unknown;
  correlationId?: string;
}

/** The event on the agency's changes topic: CloudEvents attributes in headers (binary mode), data as the value. */
export function changeMessage(e: AgencyEvent): OutgoingMessage {
  return { topic: agencyTopics(e.agencyId).changes, key: e.subject, value: JSON.stringify(e.data), headers: cloudEventHeaders(e) };
}

/** The family's latest granted view on the snapshot topic (compacted by family); null data: a tombstone. */
export function snapshotMessage(e: AgencyEvent, live: boolean): OutgoingMessage {
  return { topic: agencyTopics(e.agencyId).snapshot, key: e.subject, value: live ? JSON.stringify(e.data) : null, headers: cloudEventHeaders(e) };
}

/** The same event for a webhook: a structured-mode CloudEvent (JSON). */
export function webhookBody(e: AgencyEvent): string {
  return JSON.stringify({ specversion: '1.0', id: e.id, source: CLOUD_EVENT_SOURCE, type: e.type, time: e.time, subject: e.subject, datacontenttype: 'application/json', dataschema: DATA_SCHEMA[e.type], data: e.data });
}

function cloudEventHeaders(e: AgencyEvent): Record<string, string> {
  return {
    [CLOUD_EVENT_HEADERS.specversion]: '1.0',
    [CLOUD_EVENT_HEADERS.id]: e.id,
    [CLOUD_EVENT_HEADERS.source]: CLOUD_EVENT_SOURCE,
    [CLOUD_EVENT_HEADERS.type]: e.type,
    [CLOUD_EVENT_HEADERS.time]: e.time,
    [CLOUD_EVENT_HEADERS.subject]: e.subject,
    [CLOUD_EVENT_HEADERS.dataschema]: DATA_SCHEMA[e.type],
    [CLOUD_EVENT_HEADERS.contentType]: 'application/json',
    ...(e.correlationId ? { [HEADERS.correlationId]: e.correlationId } : {}),
  };
}
