import { AGENCY_TOPIC_PREFIX, agencyGroupPrefix, agencyPrincipal, agencyTopics, deadLetterTopic, SERVICE_TOPICS, type PlatformService } from '@satupintu/contracts';
import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes, type Kafka } from 'kafkajs';
import { physicalName, type KafkaSettings } from './kafka-settings';

type Operation = 'read' | 'write' | 'describe' | 'create';

/** One Kafka ACL (always ALLOW, from any host): the broker denies whatever no ACL allows. */
export interface AclRule {
  principal: string;
  resource: 'topic' | 'group';
  /** Physical name, or the start of names when `prefixed`. */
  name: string;
  prefixed: boolean;
  operations: Operation[];
}

const OPERATION: Record<Operation, AclOperationTypes> = {
  read: AclOperationTypes.READ,
  write: AclOperationTypes.WRITE,
  describe: AclOperationTypes.DESCRIBE,
  create: AclOperationTypes.CREATE,
};

/** The Kafka principal of a platform service. */
export function servicePrincipal(service: PlatformService): string {
  return `svc-${service}`;
}

/**
 * A platform service may read, write, describe and create exactly its topics (contracts'
 * SERVICE_TOPICS) and its dead-letter topic, and use its own consumer group. The subscriptions
 * service also writes every agency topic.
 */
export function serviceAcls(settings: Pick<KafkaSettings, 'topicPrefix'>, service: PlatformService): AclRule[] {
  const principal = servicePrincipal(service);
  const topics = [...SERVICE_TOPICS[service], deadLetterTopic(service)];
  const rules: AclRule[] = topics.map((t) => ({ principal, resource: 'topic', name: physicalName(settings, t), prefixed: false, operations: ['read', 'write', 'describe', 'create'] }));
  rules.push({ principal, resource: 'group', name: physicalName(settings, service), prefixed: false, operations: ['read', 'describe'] });
  if (service === 'subscriptions') {
    rules.push({ principal, resource: 'topic', name: physicalName(settings, AGENCY_TOPIC_PREFIX), prefixed: true, operations: ['write', 'describe', 'create'] });
  }
  return rules;
}

/** An agency may read its own two topics and use consumer groups named `agency.<id>.*`; nothing else. */
export function agencyAcls(settings: Pick<KafkaSettings, 'topicPrefix'>, agencyId: string): AclRule[] {
  const principal = agencyPrincipal(agencyId);
  const { changes, snapshot } = agencyTopics(agencyId);
  return [
    { principal, resource: 'topic', name: physicalName(settings, changes), prefixed: false, operations: ['read', 'describe'] },
    { principal, resource: 'topic', name: physicalName(settings, snapshot), prefixed: false, operations: ['read', 'describe'] },
    { principal, resource: 'group', name: physicalName(settings, agencyGroupPrefix(agencyId)), prefixed: true, operations: ['read', 'describe'] },
  ];
}

function toKafkajs(rules: AclRule[]) {
  return rules.flatMap((r) =>
    r.operations.map((op) => ({
      resourceType: r.resource === 'topic' ? AclResourceTypes.TOPIC : AclResourceTypes.GROUP,
      resourceName: r.name,
      resourcePatternType: r.prefixed ? ResourcePatternTypes.PREFIXED : ResourcePatternTypes.LITERAL,
      principal: `User:${r.principal}`,
      host: '*',
      operation: OPERATION[op],
      permissionType: AclPermissionTypes.ALLOW,
    })),
  );
}

/** Creates the ACLs (idempotent: the broker keeps one copy of each). Needs a principal allowed to alter the cluster. */
export async function applyAcls(kafka: Kafka, rules: AclRule[]): Promise<void> {
  if (rules.length === 0) return;
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createAcls({ acl: toKafkajs(rules) });
  } finally {
    await admin.disconnect();
  }
}

/** Removes exactly these ACLs. */
export async function removeAcls(kafka: Kafka, rules: AclRule[]): Promise<void> {
  if (rules.length === 0) return;
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteAcls({ filters: toKafkajs(rules) });
  } finally {
    await admin.disconnect();
  }
}
