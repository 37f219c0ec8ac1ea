export * from './trader/hmm/index.ts';
