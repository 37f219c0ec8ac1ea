export * from './operator-harness.ts';
export { createFakeRuntime, type FakeRuntime } from '../runtimes/fake/fake-runtime.ts';
export { eventually } from '../runtimes/testing/eventually.ts';
