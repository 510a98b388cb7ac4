export * from './data-source.factory';
export * from './messaging-tables';
export * from './outbox';
export * from './inbox';
export * from './outbox-relay';
export * from './roles';
export * from './retention';
