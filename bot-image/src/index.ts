export * from './trader/index.ts';
export { loadSupervisorConfig, runSupervisor, formatTraderEvent } from './supervisor/index.ts';
export { traderMain, type TraderIo } from './trader/trader-cli.ts';
export { botMain } from './bot-main.ts';
export { traderEntry } from './trader-entry.ts';
