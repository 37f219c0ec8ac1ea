export { createApp, type ApiSettings, type AppDeps } from './app.ts';
export { HttpError, type HttpErrorCode, type FieldIssue } from './http/http-error.ts';
export {
  createMachineTokens,
  generateMachineSigningKey,
  MACHINE_SCOPES,
  type MachineTokens,
} from './internal/machine-tokens.ts';
export {
  addLocalMasterKey,
  createAwsKmsProvider,
  createLocalKmsProvider,
  LOCAL_CURRENT_KEY,
  type KmsProvider,
} from './brokers/kms/index.ts';
export type { BrokerKms } from './brokers/brokers.service.ts';
