export * from './keys';
export * from './field-protector';
export * from './protector';
export * from './columns';
