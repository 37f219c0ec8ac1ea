export * from './test-databases.ts';
export * from './sample-spec.ts';
