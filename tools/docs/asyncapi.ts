import {
  AgencyDecisionEventV1, AgencyFamilyEventV1, AgencyGrantEventV1, AGENCY_CLOUD_EVENT_TYPES, CLOUD_EVENT_HEADERS, EVENT_SCHEMAS, HEADERS, isCompactedTopic, TOPICS,
} from '@satupintu/contracts';
import { stringify } from 'yaml';
import { z } from 'zod';

/**
 * docs/asyncapi.yaml, generated from the contracts library: every public topic with its message
 * schema (JSON Schema from the same zod schemas producers and consumers check against). A unit
 * test fails when the checked-in file differs from this rendering (run `npm run docs:asyncapi`).
 */
export function asyncApiDocument(): Record<string, unknown> {
  const channels: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const jsonSchema = (s: z.ZodType) => {
    const out = z.toJSONSchema(s, { io: 'output', unrepresentable: 'any' }) as Record<string, unknown>;
    delete out.$schema;
    return out;
  };
  const name = (topic: string) => topic.replace(/[^A-Za-z0-9]+/g, '-');

  for (const [key, topic] of Object.entries(TOPICS)) {
    const id = name(topic);
    messages[id] = {
      name: key,
      contentType: 'application/json',
      headers: { type: 'object', properties: { [HEADERS.eventId]: { type: 'string' }, [HEADERS.eventType]: { type: 'string' }, [HEADERS.correlationId]: { type: 'string' } } },
      payload: jsonSchema(EVENT_SCHEMAS[topic]),
    };
    channels[id] = {
      address: topic,
      description: `Platform topic${isCompactedTopic(topic) ? ' (compacted: the latest value per key)' : ''}. Readable only by the platform services it names in SERVICE_TOPICS.`,
      messages: { [key]: { $ref: `#/components/messages/${id}` } },
    };
  }

  const ceHeaders = {
    type: 'object',
    required: [CLOUD_EVENT_HEADERS.specversion, CLOUD_EVENT_HEADERS.id, CLOUD_EVENT_HEADERS.source, CLOUD_EVENT_HEADERS.type, CLOUD_EVENT_HEADERS.time, CLOUD_EVENT_HEADERS.subject],
    properties: Object.fromEntries(Object.values(CLOUD_EVENT_HEADERS).map((h) => [h, { type: 'string' }])),
  };
  const agencyMessages = {
    familyUpserted: { type: AGENCY_CLOUD_EVENT_TYPES.familyUpserted, schema: AgencyFamilyEventV1, summary: 'A family entered the grant or a granted field changed: its full granted view.' },
    familyRemoved: { type: AGENCY_CLOUD_EVENT_TYPES.familyRemoved, schema: AgencyFamilyEventV1, summary: 'The family left the granted regions, was merged away or no longer exists (family: null).' },
    decisionChanged: { type: AGENCY_CLOUD_EVENT_TYPES.decisionChanged, schema: AgencyDecisionEventV1, summary: 'An eligibility decision in the granted regions changed.' },
    grantChanged: { type: AGENCY_CLOUD_EVENT_TYPES.grantChanged, schema: AgencyGrantEventV1, summary: "The agency's grant changed: what it receives from now on." },
  };
  for (const [key, m] of Object.entries(agencyMessages)) {
    messages[`agency-${key}`] = { name: m.type, summary: m.summary, contentType: 'application/json', headers: ceHeaders, payload: jsonSchema(m.schema) };
  }
  channels['agency-changes'] = {
    address: 'agency.{agencyId}.changes.v1',
    description: "An agency's change events, with only its granted fields and regions (CloudEvents 1.0, binary mode: attributes in ce_ headers). Key: family id. Readable only by the agency's principal (agency-{agencyId}) with consumer groups agency.{agencyId}.*.",
    parameters: { agencyId: { description: 'The agency id of the grant.' } },
    messages: Object.fromEntries(Object.keys(agencyMessages).map((k) => [k, { $ref: `#/components/messages/agency-${k}` }])),
  };
  channels['agency-snapshot'] = {
    address: 'agency.{agencyId}.snapshot.v1',
    description: "Compacted: the agency's latest granted view of each family (key: family id; a tombstone when removed). Load it, then follow the changes topic (docs/subscriptions.md).",
    parameters: { agencyId: { description: 'The agency id of the grant.' } },
    messages: { familyUpserted: { $ref: '#/components/messages/agency-familyUpserted' } },
  };
  operations['receiveAgencyChanges'] = { action: 'receive', channel: { $ref: '#/channels/agency-changes' } };
  operations['receiveAgencySnapshot'] = { action: 'receive', channel: { $ref: '#/channels/agency-snapshot' } };

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'SatuPintu events',
      version: '1.0.0',
      description: 'Kafka topics of SatuPintu. The version is part of each topic name; a breaking change gets a new topic. Generated from libs/contracts by tools/docs/asyncapi.ts.',
    },
    defaultContentType: 'application/json',
    servers: {
      local: { host: '127.0.0.1:59092', protocol: 'kafka', description: 'The local stack (tools/stack/infra.sh): SASL/SCRAM-SHA-512 over plaintext on loopback.', security: [{ $ref: '#/components/securitySchemes/scram' }] },
    },
    channels,
    operations,
    components: { messages, securitySchemes: { scram: { type: 'scramSha512', description: 'One principal per service and per agency; ACLs allow each only its own topics and groups.' } } },
  };
}

export function renderAsyncApi(): string {
  return `# Generated by tools/docs/asyncapi.ts from libs/contracts: do not edit (npm run docs:asyncapi).\n${stringify(asyncApiDocument(), { lineWidth: 0 })}`;
}

if (require.main === module) process.stdout.write(renderAsyncApi());
