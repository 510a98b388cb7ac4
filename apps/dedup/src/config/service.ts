import { SERVICE_TOPICS } from '@satupintu/contracts';
import type { ServiceDescriptor } from '@satupintu/platform';
import { Initial1763800000000 } from '../migrations/1763800000000-initial';
import { Attributes1763900000000 } from '../migrations/1763900000000-attributes';
import { Matching1764200000000 } from '../migrations/1764200000000-matching';
import { Protection1764800000000 } from '../migrations/1764800000000-protection';

export const DEDUP: ServiceDescriptor = {
  name: 'dedup',
  defaultPort: 3002,
  schema: 'registry',
  migrations: [Initial1763800000000, Attributes1763900000000, Matching1764200000000, Protection1764800000000],
  consumerGroup: 'dedup',
  topics: [...SERVICE_TOPICS.dedup],
};
