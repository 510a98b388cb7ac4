export * from './nik';
export * from './regions';
export * from './region-catalogue';
export * from './dates';
export * from './family-diff';
export * from './validation';
export * from './eligibility';
export * from './json-shape';
