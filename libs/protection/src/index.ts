export * from './keys';
export * from './field-protector';
