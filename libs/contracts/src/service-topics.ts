import { TOPICS } from './topics';

/**
 * The topics each platform service reads or writes, and its consumer group. A service creates these
 * topics when missing, and its Kafka principal (`svc-<name>`) is allowed exactly these and its own
 * group and dead-letter topic (libs/kafka/src/acls.ts). The subscriptions service also writes the
 * agency topics (`agency.*`).
 */
export const SERVICE_TOPICS = {
  gateway: [
    TOPICS.familySubmitted, TOPICS.familyValidated, TOPICS.familyRejected, TOPICS.submissionRegistered, TOPICS.regionCountsUpdated, TOPICS.regionIndicatorsUpdated, TOPICS.campaignDefined,
    TOPICS.eligibilityFamilyDecisions, TOPICS.eligibilityProgrammeActivated,
    TOPICS.reviewTasks, TOPICS.personMerged, TOPICS.personUnmerged, TOPICS.registryCommands,
    TOPICS.familyChanged,
    TOPICS.grantChanged, TOPICS.webhookCommands, TOPICS.webhookStatus,
  ],
  validation: [TOPICS.familySubmitted, TOPICS.familyValidated, TOPICS.familyRejected],
  dedup: [
    TOPICS.familyValidated, TOPICS.familyChanged, TOPICS.submissionRegistered, TOPICS.registryCommands,
    TOPICS.personMerged, TOPICS.personUnmerged, TOPICS.duplicateSuspected, TOPICS.reviewTasks,
  ],
  aggregation: [TOPICS.familyChanged, TOPICS.campaignDefined, TOPICS.regionCountsUpdated, TOPICS.regionIndicatorsUpdated],
  eligibility: [TOPICS.familyChanged, TOPICS.eligibilityDecisionChanged, TOPICS.eligibilityFamilyDecisions, TOPICS.eligibilityProgrammeActivated],
  subscriptions: [TOPICS.familyChanged, TOPICS.eligibilityDecisionChanged, TOPICS.grantChanged, TOPICS.webhookCommands, TOPICS.webhookStatus],
} as const satisfies Record<string, readonly string[]>;

export type PlatformService = keyof typeof SERVICE_TOPICS;
export const PLATFORM_SERVICES = Object.keys(SERVICE_TOPICS) as PlatformService[];
