export { createApp, type AppDeps } from './app.ts';
export { HttpError, type HttpErrorCode, type FieldIssue } from './http/http-error.ts';
