export * from './text';
export * from './table';
export * from './values';
export * from './mapping';
export * from './families';
export * from './findings';
