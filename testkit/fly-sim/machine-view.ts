import { createHash } from 'node:crypto';
import type { MachineConfig } from './machine-schemas.ts';
import type { SimApp, SimEvent, SimLease, SimMachine } from './sim-store.ts';
import type { SimMachineView } from './types.ts';

/** How many recent events the Machine object carries (the full list is at …/events). */
const EMBEDDED_EVENTS = 10;

/** Options of GET machine / list machines that change the Machine object. */
export interface MachineJsonOptions {
  summary?: boolean;
  includeLease?: boolean;
  /** Show this version's config instead of the current one (GET …?version=). */
  config?: MachineConfig;
  version?: string;
  /** The nonce of a lease created with the machine (create with lease_ttl only). */
  nonce?: string;
}

/** The spec's Machine object. */
export function machineJson(
  m: SimMachine,
  options: MachineJsonOptions = {},
): Record<string, unknown> {
  const version = options.version ?? m.version;
  const config = options.config ?? m.config;
  const body: Record<string, unknown> = {
    id: m.id,
    name: m.name,
    state: m.state,
    region: m.region,
    instance_id: version,
    version,
    private_ip: m.privateIp,
    image_ref: imageRef(config.image),
    created_at: new Date(m.createdAt).toISOString(),
    updated_at: new Date(m.updatedAt).toISOString(),
    cordoned: m.cordoned,
  };
  if (!options.summary) {
    body.config = config;
    body.events = m.events.slice(-EMBEDDED_EVENTS).reverse().map(eventJson);
    body.host_status = 'ok';
    if (options.nonce !== undefined) body.nonce = options.nonce;
  }
  if (options.includeLease && m.lease) {
    body.lease = {
      owner: m.lease.owner,
      description: m.lease.description,
      expires_at: Math.floor(m.lease.expiresAtMs / 1000),
    };
  }
  return body;
}

/** The spec's MachineEvent. */
export function eventJson(event: SimEvent): Record<string, unknown> {
  const body: Record<string, unknown> = {
    id: event.id,
    type: event.type,
    status: event.status,
    source: event.source,
    timestamp: event.timestamp,
  };
  if (event.request !== undefined) body.request = event.request;
  return body;
}

/** A lease as Fly answers it: wrapped in `{ status, data }` (observed, beyond the spec). */
export function leaseJson(lease: SimLease): Record<string, unknown> {
  return {
    status: 'success',
    data: {
      nonce: lease.nonce,
      expires_at: Math.floor(lease.expiresAtMs / 1000),
      owner: lease.owner,
      description: lease.description,
      version: lease.version,
    },
  };
}

/** The spec's App. */
export function appJson(app: SimApp, machineCount: number): Record<string, unknown> {
  return {
    id: app.id,
    name: app.name,
    internal_numeric_id: app.internalId,
    machine_count: machineCount,
    volume_count: 0,
    network: app.network,
    status: machineCount > 0 ? 'deployed' : 'pending',
    organization: { name: app.orgSlug, slug: app.orgSlug },
  };
}

/** The inspection view of a machine for tests. */
export function simMachineView(m: SimMachine): SimMachineView {
  return {
    id: m.id,
    name: m.name,
    app: m.app,
    state: m.state,
    image: m.config.image,
    metadata: { ...m.config.metadata },
    instanceId: m.version,
    pid: m.process?.run.pid ?? null,
    env: { ...m.lastEnv },
  };
}

/** The spec's ImageRef parsed from a reference such as `registry.fly.io/app:tag`. */
function imageRef(image: string): Record<string, unknown> {
  const [name = image, digestPart] = image.split('@');
  const slash = name.indexOf('/');
  const first = slash === -1 ? '' : name.slice(0, slash);
  const hasRegistry = first.includes('.') || first.includes(':') || first === 'localhost';
  const registry = hasRegistry ? first : 'docker-hub-mirror.fly.io';
  const path = hasRegistry ? name.slice(slash + 1) : name;
  const colon = path.lastIndexOf(':');
  const repository = colon === -1 ? path : path.slice(0, colon);
  const tag = colon === -1 ? 'latest' : path.slice(colon + 1);
  const digest = digestPart ?? `sha256:${createHash('sha256').update(image).digest('hex')}`;
  return { registry, repository, tag, digest, labels: {} };
}
