export * from './errors.ts';
export * from './env-config.ts';
export * from './env-schemas.ts';
export * from './logger.ts';
export * from './metrics.ts';
export * from './http-server.ts';
