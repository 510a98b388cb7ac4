import type { MigrationInterface } from 'typeorm';

/** What a service tells the platform runtime about itself. */
export interface ServiceDescriptor {
  /** Service name, also its Kafka client id and log `service` field. */
  name: string;
  defaultPort: number;
  /** PostgreSQL schema the service owns (with an outbox and inbox), if it uses PostgreSQL. */
  schema?: string;
  migrations?: Array<new () => MigrationInterface>;
  /** Logical consumer group id; the service consumes when set. */
  consumerGroup?: string;
  /** Logical topics the service produces or consumes: created at start when missing. */
  topics: string[];
}
