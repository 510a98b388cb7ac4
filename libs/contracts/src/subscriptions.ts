import { z } from 'zod';
import { FamilyAttributes, MemberAttributes } from './family-record';
import { IsoTimestamp } from './primitives';

/**
 * Agency subscriptions: what an agency may receive (its grant) and the messages on its own topics.
 * See docs/subscriptions.md and docs/asyncapi.yaml.
 */

/** An agency's id: lower-case letters, digits and hyphens (it is part of topic and principal names). */
export const AgencyId = z.string().regex(/^[a-z0-9][a-z0-9-]{1,39}$/, 'lower-case letters, digits and -, 2 to 40 characters');

/** The change events an agency can be granted. */
export const AGENCY_EVENT_TYPES = ['family.changed', 'eligibility.decision-changed'] as const;
export const AgencyEventType = z.enum(AGENCY_EVENT_TYPES);
export type AgencyEventType = z.infer<typeof AgencyEventType>;

const familyAttributeKeys = FamilyAttributes.keyof().options;
const memberAttributeKeys = MemberAttributes.keyof().options;

/**
 * Every field a grant can name. The family id, the region codes of its village and each member's
 * person id are pseudonymous registry keys and always included; everything else must be granted.
 */
export const GRANTABLE_FIELDS = [
  'kk',
  'address.rt',
  'address.rw',
  'address.street',
  ...familyAttributeKeys.map((k) => `attributes.${k}` as const),
  'members.nik',
  'members.name',
  'members.sex',
  'members.birthDate',
  'members.relationship',
  ...memberAttributeKeys.map((k) => `members.attributes.${k}` as const),
  'eligibility.criteria',
] as const;
export type GrantableField = (typeof GRANTABLE_FIELDS)[number];
export const GrantableField = z.enum(GRANTABLE_FIELDS as unknown as [GrantableField, ...GrantableField[]]);

/** Region codes (ID, 31, 31.01, 31.01.01, 31.01.01.1001). */
export const GrantRegion = z.string().regex(/^(ID|\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?)$/, 'a region code: ID, 31, 31.01, 31.01.01 or 31.01.01.1001');

/** One version of an agency's grant, as the gateway keeps it and publishes it. */
export const AgencyGrant = z.object({
  agencyId: AgencyId,
  version: z.number().int().min(1),
  status: z.enum(['active', 'revoked']),
  eventTypes: z.array(AgencyEventType).min(1),
  fields: z.array(GrantableField),
  regions: z.array(GrantRegion).min(1),
  purpose: z.string().min(1).max(64),
  /** Where the webhook bridge delivers; the signing secret is derived from `secretVersion`, never sent. */
  webhook: z.object({ url: z.url(), secretVersion: z.number().int().min(1) }).nullable(),
  changedBy: z.string(),
  changedAt: IsoTimestamp,
});
export type AgencyGrant = z.infer<typeof AgencyGrant>;

/** The agency's own topics (logical names; the deployment's prefix comes in front). */
export function agencyTopics(agencyId: string): { changes: string; snapshot: string } {
  return { changes: `agency.${agencyId}.changes.v1`, snapshot: `agency.${agencyId}.snapshot.v1` };
}
/** Every agency topic name starts with this (the subscriptions service's ACLs are on this prefix). */
export const AGENCY_TOPIC_PREFIX = 'agency.';
/** An agency's consumer groups must start with this (its ACL allows exactly these groups). */
export function agencyGroupPrefix(agencyId: string): string {
  return `agency.${agencyId}.`;
}
/** The agency's Kafka principal (SASL/SCRAM user). */
export function agencyPrincipal(agencyId: string): string {
  return `agency-${agencyId}`;
}

export const RegionCodes = z.object({ villageCode: z.string(), districtCode: z.string(), regencyCode: z.string(), provinceCode: z.string() });

/** A member as an agency sees it: the person id and the granted fields only. */
export const GrantedMember = z.strictObject({
  personId: z.uuid(),
  nik: z.string().nullable().optional(),
  name: z.string().optional(),
  sex: z.enum(['M', 'F']).optional(),
  birthDate: z.string().optional(),
  relationship: z.number().int().optional(),
  attributes: MemberAttributes.partial().optional(),
});
export type GrantedMember = z.infer<typeof GrantedMember>;

/** A family as an agency sees it: the granted fields only. */
export const GrantedFamily = z.strictObject({
  familyId: z.uuid(),
  region: RegionCodes,
  kk: z.string().optional(),
  address: z.strictObject({ rt: z.string().optional(), rw: z.string().optional(), street: z.string().optional() }).optional(),
  attributes: FamilyAttributes.partial().optional(),
  members: z.array(GrantedMember).optional(),
});
export type GrantedFamily = z.infer<typeof GrantedFamily>;

/**
 * The data of a family event on an agency's changes topic, and the value on its snapshot topic (where
 * a removal is a tombstone). `sequence` counts this agency's versions of the family: a subscriber
 * keeps the highest it has seen and ignores anything not newer.
 */
export const AgencyFamilyEventV1 = z.strictObject({
  familyId: z.uuid(),
  sequence: z.number().int().min(1),
  grantVersion: z.number().int().min(1),
  /** null: the family left the agency's regions, was merged away, or no longer exists. */
  family: GrantedFamily.nullable(),
  /** Granted fields whose value changed (paths as in the grant); never a field outside the grant. */
  changedFields: z.array(z.string()),
});
export type AgencyFamilyEventV1 = z.infer<typeof AgencyFamilyEventV1>;

/** An eligibility decision as an agency sees it (criteria values only with `eligibility.criteria`). */
export const AgencyDecisionEventV1 = z.strictObject({
  familyId: z.uuid(),
  personId: z.uuid().nullable(),
  region: RegionCodes,
  programmeId: z.string(),
  programmeVersion: z.number().int(),
  eligible: z.boolean(),
  previouslyEligible: z.boolean().nullable(),
  evaluatedOn: z.string(),
  grantVersion: z.number().int().min(1),
  criteria: z.array(z.object({ criterion: z.string(), value: z.unknown(), passed: z.boolean() })).optional(),
});
export type AgencyDecisionEventV1 = z.infer<typeof AgencyDecisionEventV1>;

/** Sent on the changes topic when the agency's grant changes (what it will receive from now on). */
export const AgencyGrantEventV1 = z.strictObject({
  grantVersion: z.number().int().min(1),
  status: z.enum(['active', 'revoked']),
  eventTypes: z.array(AgencyEventType),
  fields: z.array(z.string()),
  regions: z.array(z.string()),
  purpose: z.string(),
});
export type AgencyGrantEventV1 = z.infer<typeof AgencyGrantEventV1>;

/** CloudEvents 1.0 types of the messages on an agency topic (binary mode: attributes in headers). */
export const AGENCY_CLOUD_EVENT_TYPES = {
  familyUpserted: 'id.satupintu.family.upserted.v1',
  familyRemoved: 'id.satupintu.family.removed.v1',
  decisionChanged: 'id.satupintu.eligibility.decision-changed.v1',
  grantChanged: 'id.satupintu.subscription.grant-changed.v1',
} as const;

/** CloudEvents Kafka protocol binding: attribute headers (`ce_` prefix) and the content type. */
export const CLOUD_EVENT_HEADERS = {
  specversion: 'ce_specversion',
  id: 'ce_id',
  source: 'ce_source',
  type: 'ce_type',
  time: 'ce_time',
  subject: 'ce_subject',
  dataschema: 'ce_dataschema',
  contentType: 'content-type',
} as const;

/** Webhook request headers: the signature is HMAC-SHA256 over `${timestamp}.${body}`. */
export const WEBHOOK_HEADERS = {
  signature: 'x-satupintu-signature',
  timestamp: 'x-satupintu-timestamp',
  deliveryId: 'x-satupintu-delivery',
  attempt: 'x-satupintu-attempt',
} as const;
