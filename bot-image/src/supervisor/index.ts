export { runSupervisor, EXIT_FAILED } from './supervisor.ts';
export type { SignalSource, SupervisorDeps } from './supervisor-deps.ts';
export { loadSupervisorConfig, defaultTraderCommand } from './config.ts';
export type { SupervisorConfig } from './config.ts';
export {
  formatTraderEvent,
  parseTraderEvent,
  isTraderEventType,
  EVENT_KEY,
  MAX_LINE_CHARS,
} from './trader-events.ts';
export type { TraderEvent, TraderEventType } from './trader-events.ts';
