import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DesiredInstance, InstanceState, ObservedInstance } from './instance.ts';
import type { Target } from './decide.ts';
import { crashBackoffMs, plan } from './plan.ts';

// A model backend: at most what the real ones allow, so a second instance is representable and
// the property can catch one.
interface World {
  instances: ObservedInstance[];
  creates: number;
  finalized: boolean;
  now: number;
}

const desired = (hash: string): DesiredInstance => ({
  botId: 'b',
  generation: 1,
  image: 'img',
  env: {},
  resources: { cpus: 1, memoryMB: 1024 },
  stop: { signal: 'SIGTERM', timeoutSeconds: 30 },
  configHash: hash,
});

const targetArb: fc.Arbitrary<Target> = fc.constantFrom<Target>(
  { kind: 'running' },
  { kind: 'stopped' },
  { kind: 'absent' },
  { kind: 'sleeping', until: new Date(0) },
);
const stateArb = fc.constantFrom<InstanceState>(
  'pending',
  'running',
  'stopping',
  'stopped',
  'crashed',
);
const initialArb = fc.option(
  fc.record({ state: stateArb, configHash: fc.constantFrom('h1', 'h2'), restarts: fc.nat(8) }),
);
/** One step of chaos between reconciles: an action fails, or the instance changes by itself. */
const chaosArb = fc.oneof(
  fc.constant({ kind: 'none' as const }),
  fc.constant({ kind: 'fail-action' as const }),
  fc.record({ kind: fc.constant('drift' as const), state: stateArb }),
);

function apply(
  world: World,
  action: ReturnType<typeof plan>['actions'][number],
  fail: boolean,
): boolean {
  if (fail) return false;
  const current = world.instances[0];
  switch (action.type) {
    case 'create':
      world.creates++;
      if (!current) {
        world.instances.push({
          botId: 'b',
          instanceId: `i${world.creates}`,
          state: 'pending',
          configHash: action.desired.configHash,
          generation: 1,
          image: 'img',
          restarts: 0,
        });
      }
      return true;
    case 'start':
      if (current) current.state = 'running';
      return true;
    case 'update':
      if (current)
        Object.assign(current, { configHash: action.desired.configHash, state: 'running' });
      return true;
    case 'stop':
      if (current) current.state = 'stopped';
      return true;
    case 'destroy':
      world.instances = [];
      return true;
    case 'finalize':
      world.finalized = true;
      return true;
  }
}

/** The backend finishes what it started between two reconciles. */
function progress(world: World): void {
  const current = world.instances[0];
  if (current?.state === 'pending') current.state = 'running';
  if (current?.state === 'stopping') current.state = 'stopped';
}

function converged(world: World, target: Target, hash: string): boolean {
  const current = world.instances[0];
  switch (target.kind) {
    case 'absent':
      return world.finalized && !current;
    case 'running':
      return current?.state === 'running' && current.configHash === hash;
    case 'stopped':
    case 'sleeping':
      return !current || ['stopped', 'crashed'].includes(current.state);
  }
}

describe('plan, property-based', () => {
  it('converges to the target from any state through any failures, never with a second instance', () => {
    fc.assert(
      fc.property(
        targetArb,
        fc.constantFrom('h1', 'h2'),
        initialArb,
        fc.array(chaosArb, { maxLength: 30 }),
        (target, hash, initial, chaos) => {
          const world: World = {
            instances: initial
              ? [
                  {
                    botId: 'b',
                    instanceId: 'i0',
                    generation: 1,
                    image: 'img',
                    lastExitAt: new Date(0).toISOString(),
                    ...initial,
                  },
                ]
              : [],
            creates: 0,
            finalized: false,
            now: Date.parse('2026-11-25T00:00:00Z'),
          };
          // Chaos first, then a bounded number of calm reconciles must converge.
          for (const step of [
            ...chaos,
            ...Array.from({ length: 6 }, () => ({ kind: 'none' as const })),
          ]) {
            if (world.finalized) break;
            progress(world);
            if (step.kind === 'drift' && world.instances[0]) world.instances[0].state = step.state;
            if (step.kind === 'drift' && step.state === 'crashed' && world.instances[0]) {
              world.instances[0].restarts++;
              world.instances[0].lastExitAt = new Date(world.now).toISOString();
            }
            const next = plan(
              target,
              world.instances[0] ?? null,
              desired(hash),
              new Date(world.now),
            );
            for (const action of next.actions) {
              if (!apply(world, action, step.kind === 'fail-action')) break;
            }
            // Time moves on by the requeue (or a resync), so crash backoff always expires.
            world.now += next.requeueAfterMs ?? 60_000;
            expect(world.instances.length).toBeLessThanOrEqual(1);
          }
          expect(converged(world, target, hash)).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('never plans a create while an instance exists', () => {
    fc.assert(
      fc.property(targetArb, stateArb, fc.nat(10), (target, state, restarts) => {
        const instance: ObservedInstance = {
          botId: 'b',
          instanceId: 'i',
          state,
          configHash: 'h1',
          generation: 1,
          image: 'img',
          restarts,
          lastExitAt: new Date(0).toISOString(),
        };
        const actions = plan(
          target,
          instance,
          desired('h2'),
          new Date(crashBackoffMs(restarts) + 1),
        ).actions;
        expect(actions.some((action) => action.type === 'create')).toBe(false);
      }),
    );
  });
});
