export * from './names';
export * from './family-generator';
