export * from './names';
export * from './compare';
export * from './model';
export * from './blocking';
export * from './training';
export * from './person-model';
export * from './person-matcher';
export * from './batch-linkage';
