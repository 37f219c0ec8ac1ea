export * from './gaussian-hmm.ts';
export { initHmmParams, type HmmInitOptions } from './hmm-init.ts';
export { assertValidParams } from './hmm-params.ts';
export * from './model-selection.ts';
export * from './regime-labels.ts';
export * from './regime-filter.ts';
