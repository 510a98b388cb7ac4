import { SERVICE_TOPICS } from '@satupintu/contracts';
import type { ServiceDescriptor } from '@satupintu/platform';
import { Initial1764500000000 } from '../migrations/1764500000000-initial';

/** Agency subscriptions: projects registry changes onto each agency's grant, and delivers webhooks. */
export const SUBSCRIPTIONS: ServiceDescriptor = {
  name: 'subscriptions',
  defaultPort: 3005,
  schema: 'subscriptions',
  migrations: [Initial1764500000000],
  consumerGroup: 'subscriptions',
  topics: [...SERVICE_TOPICS.subscriptions],
};
