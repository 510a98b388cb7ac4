import { TOPICS } from '@satupintu/contracts';
import type { ServiceDescriptor } from '@satupintu/platform';
import { Initial1763800000000 } from '../migrations/1763800000000-initial';

export const ELIGIBILITY: ServiceDescriptor = {
  name: 'eligibility',
  defaultPort: 3004,
  schema: 'eligibility',
  migrations: [Initial1763800000000],
  consumerGroup: 'eligibility',
  topics: [TOPICS.familyChanged, TOPICS.eligibilityDecisionChanged],
};
