export { createApp, type ApiSettings, type AppDeps } from './app.ts';
export { HttpError, type HttpErrorCode, type FieldIssue } from './http/http-error.ts';
export {
  createMachineTokens,
  generateMachineSigningKey,
  MACHINE_SCOPES,
  type MachineTokens,
} from './internal/machine-tokens.ts';
