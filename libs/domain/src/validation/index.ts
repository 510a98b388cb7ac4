export * from './rule-catalogue';
export * from './rule-set';
export * from './validate-family';
