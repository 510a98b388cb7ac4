import { TOPICS } from '@satupintu/contracts';
import type { ServiceDescriptor } from '@satupintu/platform';
import { Initial1763800000000 } from '../migrations/1763800000000-initial';

export const AGGREGATION: ServiceDescriptor = {
  name: 'aggregation',
  defaultPort: 3003,
  schema: 'aggregation',
  migrations: [Initial1763800000000],
  consumerGroup: 'aggregation',
  topics: [TOPICS.familyChanged, TOPICS.regionCountsUpdated],
};
