export { assertBinaries, envtestBinaries, startEnvtest } from './envtest.ts';
export type { Envtest, EnvtestOptions } from './envtest.ts';
export type { ToolResult } from './run-tool.ts';
export { httpsGet } from './https-get.ts';
export type { HttpsAnswer } from './https-get.ts';
export { envtestConfig } from './config.ts';
export type { EnvtestConfig } from './config.ts';
export { envtestCacheKey, envtestVersions } from './versions.ts';
export type { EnvtestVersions } from './versions.ts';
