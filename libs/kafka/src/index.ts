export * from './kafka-settings';
export * from './event-codec';
export * from './event-producer';
export * from './topic-admin';
export * from './errors';
export * from './batch-consumer';
export * from './kafka-batch.transport';
export * from './acls';
