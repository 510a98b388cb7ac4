import { HEADERS, type EventOf, type TopicName } from '@satupintu/contracts';
import { encodeEvent } from '@satupintu/kafka';
import { traceHeaders } from '@satupintu/observability';
import type { OutboxRow } from '@satupintu/persistence';

/** An outbox row for an event: schema-checked value, standard headers, correlation id and trace context carried on. */
export function outboxEvent<T extends TopicName>(topic: T, key: string, event: EventOf<T>, correlationId?: string): OutboxRow {
  const eventId = (event as { eventId: string }).eventId;
  return {
    topic,
    key,
    value: encodeEvent(topic, event),
    headers: { [HEADERS.eventType]: topic, [HEADERS.eventId]: eventId, ...(correlationId ? { [HEADERS.correlationId]: correlationId } : {}), ...traceHeaders(correlationId) },
  };
}
