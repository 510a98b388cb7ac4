import { SERVICE_TOPICS } from '@satupintu/contracts';
import type { ServiceDescriptor } from '@satupintu/platform';
import { Initial1763800000000 } from '../migrations/1763800000000-initial';
import { Eligibility1764100000000 } from '../migrations/1764100000000-eligibility';
import { Review1764200000000 } from '../migrations/1764200000000-review';
import { Indicators1764300000000 } from '../migrations/1764300000000-indicators';
import { Access1764400000000 } from '../migrations/1764400000000-access';
import { Subscriptions1764500000000 } from '../migrations/1764500000000-subscriptions';
import { Imports1764600000000 } from '../migrations/1764600000000-imports';
import { Dci1764700000000 } from '../migrations/1764700000000-dci';
import { DciCallbacks1764710000000 } from '../migrations/1764710000000-dci-callbacks';
import { SubjectRequests1764720000000 } from '../migrations/1764720000000-subject-requests';
import { Protection1764800000000 } from '../migrations/1764800000000-protection';

export const GATEWAY: ServiceDescriptor = {
  name: 'gateway',
  defaultPort: 3000,
  schema: 'gateway',
  migrations: [Initial1763800000000, Eligibility1764100000000, Review1764200000000, Indicators1764300000000, Access1764400000000, Subscriptions1764500000000, Imports1764600000000, Dci1764700000000, DciCallbacks1764710000000, SubjectRequests1764720000000, Protection1764800000000],
  consumerGroup: 'gateway',
  topics: [...SERVICE_TOPICS.gateway],
};
