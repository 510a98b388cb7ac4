import { EVENT_SCHEMAS, HEADERS, type TopicName } from '@satupintu/contracts';
import type { IHeaders, KafkaMessage } from 'kafkajs';

export type Headers = Record<string, string>;

/** A consumed message whose value has passed its topic's schema. */
export interface ConsumedEvent<T = unknown> {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: T;
  headers: Headers;
  correlationId?: string;
}

export type DecodeResult =
  | { ok: true; value: unknown }
  | { ok: false; code: 'MALFORMED_JSON' | 'SCHEMA_MISMATCH' | 'UNKNOWN_TOPIC'; detail: string };

export function headersToStrings(headers: IHeaders | undefined): Headers {
  const out: Headers = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (v === undefined) continue;
    const first = Array.isArray(v) ? v[0] : v;
    if (first !== undefined) out[k] = first.toString();
  }
  return out;
}

function isKnownTopic(topic: string): topic is TopicName {
  return Object.prototype.hasOwnProperty.call(EVENT_SCHEMAS, topic);
}

/**
 * The consumer boundary: every consumed message is parsed and checked against its topic's schema
 * here, once, for all services. Details name the failing paths only, never the values.
 */
export function decodeEvent(logicalTopic: string, message: Pick<KafkaMessage, 'value'>): DecodeResult {
  if (!isKnownTopic(logicalTopic)) return { ok: false, code: 'UNKNOWN_TOPIC', detail: logicalTopic };
  let parsed: unknown;
  try {
    parsed = JSON.parse(message.value?.toString('utf8') ?? '');
  } catch {
    return { ok: false, code: 'MALFORMED_JSON', detail: 'value is not JSON' };
  }
  const result = EVENT_SCHEMAS[logicalTopic].safeParse(parsed);
  if (!result.success) return { ok: false, code: 'SCHEMA_MISMATCH', detail: issuePaths(result.error.issues).join('; ') };
  return { ok: true, value: result.data };
}

/** Where a value breaks its schema: paths and issue codes only, never the values. */
function issuePaths(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; code: string }>): string[] {
  return issues.slice(0, 10).map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.code}`);
}

/** Checks a value against its topic's schema before it is written (outbox or direct). Throws. */
export function encodeEvent<T extends TopicName>(topic: T, value: unknown): string {
  const result = EVENT_SCHEMAS[topic].safeParse(value);
  if (!result.success) throw new EventSchemaError(topic, issuePaths(result.error.issues));
  return JSON.stringify(result.data);
}

export function correlationOf(headers: Headers): string | undefined {
  return headers[HEADERS.correlationId];
}

/** An event a service tried to publish does not match its topic's schema (a bug, never data). */
export class EventSchemaError extends Error {
  readonly code = 'EVENT_SCHEMA_MISMATCH';
  constructor(
    readonly topic: string,
    readonly paths: string[],
  ) {
    super(`event for ${topic} does not match its schema: ${paths.join('; ')}`);
    this.name = 'EventSchemaError';
  }
}
