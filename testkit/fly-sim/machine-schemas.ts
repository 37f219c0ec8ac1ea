import { z } from 'zod';
import { parseGoDuration } from './fly-ids.ts';

/**
 * Request bodies of the operations the sim implements, after the spec's schemas of the same
 * name. Only the fields the sim acts on are checked; every other field the spec allows is kept
 * as given (loose objects), so a client sending the full Fly config round-trips it.
 */

/** Signals the spec allows for stop and restart. */
export const stopSignal = z.enum([
  'SIGHUP',
  'SIGINT',
  'SIGQUIT',
  'SIGKILL',
  'SIGUSR1',
  'SIGUSR2',
  'SIGTERM',
]);

/** Signals the spec allows for POST …/signal. */
export const anySignal = z.enum([
  'SIGABRT',
  'SIGALRM',
  'SIGFPE',
  'SIGHUP',
  'SIGILL',
  'SIGINT',
  'SIGKILL',
  'SIGPIPE',
  'SIGQUIT',
  'SIGSEGV',
  'SIGTERM',
  'SIGTRAP',
  'SIGUSR1',
  'SIGUSR2',
]);

const goDuration = z
  .string({ message: 'must be a Go duration string such as "10s"' })
  .refine((value) => parseGoDuration(value) !== null, {
    message: 'must be a Go duration string such as "10s" or "1m30s"',
  });

const stringMap = z.record(z.string(), z.string({ message: 'values must be strings' }));
const argv = z.array(z.string(), { message: 'must be an array of strings' });

/** fly.MachineConfig: the fields the sim uses. */
export const machineConfigSchema = z.looseObject({
  image: z
    .string({ message: 'required: the image to run' })
    .min(1, { message: 'must not be empty' }),
  env: stringMap.optional(),
  metadata: stringMap.optional(),
  guest: z
    .looseObject({
      cpu_kind: z.string().optional(),
      cpus: z.int({ message: 'must be a whole number' }).positive().optional(),
      memory_mb: z.int({ message: 'must be a whole number' }).positive().optional(),
    })
    .optional(),
  restart: z
    .looseObject({
      policy: z.enum(['no', 'always', 'on-failure']).optional(),
      max_retries: z.int({ message: 'must be a whole number' }).min(0).optional(),
    })
    .optional(),
  stop_config: z
    .looseObject({ signal: stopSignal.optional(), timeout: goDuration.optional() })
    .optional(),
  init: z
    .looseObject({ exec: argv.optional(), entrypoint: argv.optional(), cmd: argv.optional() })
    .optional(),
  auto_destroy: z.boolean().optional(),
});

/** A machine's config as stored and returned. */
export type MachineConfig = z.output<typeof machineConfigSchema>;

const machineName = z
  .string()
  .min(1, { message: 'must not be empty' })
  .max(63, { message: 'must be at most 63 characters' });

const leaseTtl = z.int({ message: 'must be a whole number of seconds' }).min(0);

/** CreateMachineRequest. */
export const createMachineSchema = z.looseObject({
  config: machineConfigSchema,
  name: machineName.optional(),
  region: z.string().min(1).optional(),
  skip_launch: z.boolean().optional(),
  lease_ttl: leaseTtl.optional(),
});

/** UpdateMachineRequest. */
export const updateMachineSchema = z.looseObject({
  config: machineConfigSchema,
  current_version: z.string().optional(),
  name: machineName.optional(),
  region: z.string().optional(),
  skip_launch: z.boolean().optional(),
  lease_ttl: leaseTtl.optional(),
});

/** StopRequest (the body is optional). */
export const stopRequestSchema = z.looseObject({
  signal: stopSignal.optional(),
  timeout: goDuration.optional(),
});

/** SignalRequest. */
export const signalRequestSchema = z.looseObject({ signal: anySignal });

/** CreateLeaseRequest. */
export const createLeaseSchema = z.looseObject({
  ttl: leaseTtl.optional(),
  description: z.string().optional(),
});

/** updateMetadataRequest; null or empty values remove keys, as the spec describes. */
export const updateMetadataSchema = z.looseObject({
  metadata: z.record(z.string(), z.string().nullable(), {
    message: 'required: an object of key → string (null or "" removes the key)',
  }),
  machine_version: z.string().optional(),
});

/** upsertMetadataKeyRequest. */
export const upsertMetadataSchema = z.looseObject({
  value: z.string({ message: 'required: the value as a string' }),
});

/** CreateAppRequest; `org_slug` is required by Fly even though the schema does not say so. */
export const createAppSchema = z.looseObject({
  name: z.string().optional(),
  org_slug: z.string({ message: 'required: the organization slug (or "personal")' }).min(1),
  network: z.string().optional(),
  enable_subdomains: z.boolean().optional(),
  idempotency_key: z.string().optional(),
});
