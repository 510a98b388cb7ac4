import { SERVICE_TOPICS } from '@satupintu/contracts';
import type { ServiceDescriptor } from '@satupintu/platform';
import { Initial1763800000000 } from '../migrations/1763800000000-initial';
import { Indicators1764300000000 } from '../migrations/1764300000000-indicators';
import { Minimise1764800000000 } from '../migrations/1764800000000-minimise';

export const AGGREGATION_TOPICS = [...SERVICE_TOPICS.aggregation];

export const AGGREGATION: ServiceDescriptor = {
  name: 'aggregation',
  defaultPort: 3003,
  schema: 'aggregation',
  migrations: [Initial1763800000000, Indicators1764300000000, Minimise1764800000000],
  consumerGroup: 'aggregation',
  topics: AGGREGATION_TOPICS,
};
