import { TOPICS } from '@satupintu/contracts';
import type { ServiceDescriptor } from '@satupintu/platform';
import { Initial1763800000000 } from '../migrations/1763800000000-initial';

export const GATEWAY: ServiceDescriptor = {
  name: 'gateway',
  defaultPort: 3000,
  schema: 'gateway',
  migrations: [Initial1763800000000],
  consumerGroup: 'gateway',
  topics: [TOPICS.familySubmitted, TOPICS.familyValidated, TOPICS.familyRejected, TOPICS.submissionRegistered, TOPICS.regionCountsUpdated],
};
