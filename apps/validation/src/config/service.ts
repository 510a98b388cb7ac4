import { SERVICE_TOPICS } from '@satupintu/contracts';
import type { ServiceDescriptor } from '@satupintu/platform';

/** Validation is stateless: no database; its output event ids derive from its input's. */
export const VALIDATION: ServiceDescriptor = {
  name: 'validation',
  defaultPort: 3001,
  consumerGroup: 'validation',
  topics: [...SERVICE_TOPICS.validation],
};
