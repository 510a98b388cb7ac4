export * from './names';
export * from './family-generator';
export * from './person-lists';
export * from './family-state';
export * from './evaluation';
export * from './agency-list';
