export { assembleOperator, type OperatorSettings } from './assemble-operator.ts';
export { createOperator, type Operator, type OperatorDeps } from './operator.ts';
export * from './runtimes/index.ts';
export { guardRuntime } from './runtimes/guarded-runtime.ts';
export {
  createInProcessChangeFeed,
  createPgNotifyChangeFeed,
  type BotChangeFeed,
  type InProcessBotChangeFeed,
} from './sources/change-feed.ts';
export { killMarked as killMarkedProcesses, scanMarkedProcesses } from './runtimes/local/proc.ts';
