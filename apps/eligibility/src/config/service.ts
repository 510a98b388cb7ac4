import { SERVICE_TOPICS } from '@satupintu/contracts';
import type { ServiceDescriptor } from '@satupintu/platform';
import { Initial1763800000000 } from '../migrations/1763800000000-initial';
import { Programmes1763900000000 } from '../migrations/1763900000000-programmes';
import { Backfill1764000000000 } from '../migrations/1764000000000-backfill';
import { PublishedFamilies1764100000000 } from '../migrations/1764100000000-published-families';
import { Minimise1764800000000 } from '../migrations/1764800000000-minimise';

/** Topics the service reads or writes (created when missing). */
export const ELIGIBILITY_TOPICS = [...SERVICE_TOPICS.eligibility];

export const ELIGIBILITY: ServiceDescriptor = {
  name: 'eligibility',
  defaultPort: 3004,
  schema: 'eligibility',
  migrations: [Initial1763800000000, Programmes1763900000000, Backfill1764000000000, PublishedFamilies1764100000000, Minimise1764800000000],
  consumerGroup: 'eligibility',
  topics: ELIGIBILITY_TOPICS,
};
