export * from './eventually';
export * from './stack';
export * from './topic-tap';
export * from './fixtures';
export * from './family-events';
export * from './dates';
export * from './prometheus';
export * from './registry-quality';
