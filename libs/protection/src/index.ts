export * from './keys';
export * from './field-protector';
export * from './protector';
export * from './columns';
export * from './rotation';
export * from './identifiers';
