export * from './facts';
export * from './programme';
export * from './default-programmes';
