import type { z } from 'zod';
import { EligibilityDecisionChangedV1 } from './events/eligibility-decision-changed.event';
import { EligibilityFamilyDecisionsV1 } from './events/eligibility-family-decisions.event';
import { EligibilityProgrammeActivatedV1 } from './events/eligibility-programme-activated.event';
import { FamilyChangedV1 } from './events/family-changed.event';
import { FamilyRejectedV1 } from './events/family-rejected.event';
import { FamilySubmittedV1 } from './events/family-submitted.event';
import { FamilyValidatedV1 } from './events/family-validated.event';
import { CampaignDefinedV1, RegionIndicatorsUpdatedV1 } from './events/indicators.events';
import { RegionCountsUpdatedV1 } from './events/region-counts-updated.event';
import { SubmissionRegisteredV1 } from './events/submission-registered.event';
import { DuplicateSuspectedV1, PersonMergedV1, PersonUnmergedV1, RegistryCommandV1, ReviewTaskV1 } from './events/person-matching.events';
import { GrantChangedV1, WebhookCommandV1, WebhookStatusV1 } from './events/subscription.events';
import { TOPICS, type TopicName } from './topics';

/** The schema of every topic's message value: producers and consumers check against the same one. */
export const EVENT_SCHEMAS = {
  [TOPICS.familySubmitted]: FamilySubmittedV1,
  [TOPICS.familyValidated]: FamilyValidatedV1,
  [TOPICS.familyRejected]: FamilyRejectedV1,
  [TOPICS.submissionRegistered]: SubmissionRegisteredV1,
  [TOPICS.familyChanged]: FamilyChangedV1,
  [TOPICS.personMerged]: PersonMergedV1,
  [TOPICS.personUnmerged]: PersonUnmergedV1,
  [TOPICS.duplicateSuspected]: DuplicateSuspectedV1,
  [TOPICS.reviewTasks]: ReviewTaskV1,
  [TOPICS.registryCommands]: RegistryCommandV1,
  [TOPICS.regionCountsUpdated]: RegionCountsUpdatedV1,
  [TOPICS.regionIndicatorsUpdated]: RegionIndicatorsUpdatedV1,
  [TOPICS.campaignDefined]: CampaignDefinedV1,
  [TOPICS.eligibilityDecisionChanged]: EligibilityDecisionChangedV1,
  [TOPICS.eligibilityFamilyDecisions]: EligibilityFamilyDecisionsV1,
  [TOPICS.eligibilityProgrammeActivated]: EligibilityProgrammeActivatedV1,
  [TOPICS.grantChanged]: GrantChangedV1,
  [TOPICS.webhookCommands]: WebhookCommandV1,
  [TOPICS.webhookStatus]: WebhookStatusV1,
} as const satisfies Record<TopicName, z.ZodType>;

export type EventOf<T extends TopicName> = z.infer<(typeof EVENT_SCHEMAS)[T]>;
