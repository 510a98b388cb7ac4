export * from './config';
export * from './tokens';
export * from './service-descriptor';
export * from './errors.filter';
export * from './lifecycle.service';
export * from './platform.module';
export * from './bootstrap';
export * from './outbox-event';
