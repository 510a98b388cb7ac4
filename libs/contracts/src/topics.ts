/**
 * Every Kafka topic SatuPintu uses, by logical name. The version is part of the name: a breaking
 * change to a message schema gets a new topic (v2) that runs beside the old one until consumers move.
 * Physical names may carry a deployment prefix (KAFKA_TOPIC_PREFIX); see libs/kafka.
 */
export const TOPICS = {
  /** gateway -> validation. Key: KK number as submitted (record id when absent). */
  familySubmitted: 'family.submitted.v1',
  /** validation -> dedup, gateway. Key: KK number. */
  familyValidated: 'family.validated.v1',
  /** validation -> gateway. Key: KK number as submitted (record id when absent). */
  familyRejected: 'family.rejected.v1',
  /** dedup -> gateway: a submission record reached the registry. Key: registry family id. */
  submissionRegistered: 'submission.registered.v1',
  /** dedup -> aggregation, eligibility, agencies. Key: registry family id. */
  familyChanged: 'registry.family-changed.v1',
  /** dedup -> agencies, aggregation: two person records merged into one. Key: surviving person id. */
  personMerged: 'registry.person-merged.v1',
  /** dedup -> agencies, aggregation: a merge undone. Key: surviving person id. */
  personUnmerged: 'registry.person-unmerged.v1',
  /** dedup -> agencies: two persons may be one (a review task opened). Key: task id. */
  duplicateSuspected: 'registry.duplicate-suspected.v1',
  /** dedup -> gateway: every review task's current state. Key: task id (compacted). */
  reviewTasks: 'registry.review-tasks.v1',
  /** gateway -> dedup: reviewers' decisions and unmerge requests. Key: task or merge id. */
  registryCommands: 'registry.commands.v1',
  /** aggregation -> gateway: the new totals of one region. Key: region code (compacted). */
  regionCountsUpdated: 'aggregate.region-counts.v1',
  /** aggregation -> gateway: every indicator counter of one region. Key: region code (compacted). */
  regionIndicatorsUpdated: 'aggregate.region-indicators.v1',
  /** gateway -> aggregation: a collection campaign's window. Key: campaign id (compacted). */
  campaignDefined: 'campaign.defined.v1',
  /** eligibility -> agencies, gateway. Key: registry family id. */
  eligibilityDecisionChanged: 'eligibility.decision-changed.v1',
  /** eligibility -> gateway: every current decision of one family, with explanations. Key: family id (compacted). */
  eligibilityFamilyDecisions: 'eligibility.family-decisions.v1',
  /** eligibility -> gateway, agencies: the programme version in force. Key: programme id (compacted). */
  eligibilityProgrammeActivated: 'eligibility.programme-activated.v1',
  /** gateway -> subscriptions: a new version of an agency's grant. Key: agency id (compacted). */
  grantChanged: 'subscriptions.grant-changed.v1',
  /** gateway -> subscriptions: redeliver dead-lettered webhook deliveries. Key: agency id. */
  webhookCommands: 'subscriptions.webhook-commands.v1',
  /** subscriptions -> gateway: webhook delivery state per agency. Key: agency id (compacted). */
  webhookStatus: 'subscriptions.webhook-status.v1',
} as const;

export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];

/** The dead-letter topic of one consumer group: messages it could not process after its retries. */
export function deadLetterTopic(consumerGroup: string): string {
  return `dlq.${consumerGroup}.v1`;
}

/** Topics whose latest value per key is what matters: compacted rather than deleted by age. */
export const COMPACTED_TOPICS: ReadonlySet<string> = new Set([TOPICS.regionCountsUpdated, TOPICS.regionIndicatorsUpdated, TOPICS.campaignDefined, TOPICS.reviewTasks, TOPICS.eligibilityFamilyDecisions, TOPICS.eligibilityProgrammeActivated, TOPICS.grantChanged, TOPICS.webhookStatus]);

/** Whether a topic is compacted: the fixed ones above, and every agency's snapshot topic. */
export function isCompactedTopic(logical: string): boolean {
  return COMPACTED_TOPICS.has(logical) || /^agency\.[a-z0-9-]+\.snapshot\.v\d+$/.test(logical);
}

/** Kafka header names carried on every message. */
export const HEADERS = {
  correlationId: 'correlation-id',
  eventType: 'event-type',
  eventId: 'event-id',
  error: 'dlq-error',
  errorCode: 'dlq-error-code',
  sourceTopic: 'dlq-source-topic',
  sourcePartition: 'dlq-source-partition',
  sourceOffset: 'dlq-source-offset',
  /** When an operator moved a dead-lettered message back to its topic (`satupintu ops redrive`). */
  redriven: 'dlq-redriven-at',
} as const;
