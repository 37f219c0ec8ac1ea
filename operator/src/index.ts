export { assembleOperator, type OperatorSettings } from './assemble-operator.ts';
export { createOperator, type Operator, type OperatorDeps } from './operator.ts';
export type { BotRuntime, DesiredInstance, ObservedInstance } from './runtimes/runtime.ts';
export { createFakeRuntime, type FakeRuntime } from './runtimes/fake/fake-runtime.ts';
export { createInProcessChangeFeed, type InProcessBotChangeFeed } from './sources/change-feed.ts';
