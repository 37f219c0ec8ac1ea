import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createFakeClock } from './testing/fake-clock.ts';
import type { WorkResult } from './types.ts';
import { createWorkQueue } from './work-queue.ts';

const key = fc.constantFrom('a', 'b', 'c', 'd');
const command = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), key }),
  fc.record({
    kind: fc.constant('addAfter' as const),
    key,
    delayMs: fc.integer({ min: -5, max: 500 }),
  }),
  fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 300 }) }),
);
const outcome = fc.record({
  durationMs: fc.integer({ min: 0, max: 200 }),
  result: fc.oneof(
    fc.constant('ok' as const),
    fc.constant('throw' as const),
    fc.integer({ min: 0, max: 500 }).map((requeueAfterMs) => ({ requeueAfterMs })),
  ),
});

describe('work queue properties', () => {
  it('never runs a key concurrently, and runs every key after its last add', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(command, { maxLength: 40 }),
        fc.array(outcome, { minLength: 1, maxLength: 20 }),
        fc.integer({ min: 1, max: 3 }),
        async (commands, outcomes, concurrency) => {
          const clock = createFakeClock();
          const queue = createWorkQueue({ clock, concurrency, backoff: { maxMs: 1000 } });
          // Logical time: a run "comes after" an add when its sequence number is larger.
          let seq = 0;
          const lastAdd = new Map<string, number>();
          const lastStart = new Map<string, number>();
          const active = new Set<string>();
          let runs = 0;
          let quiet = false;
          const violations: string[] = [];

          queue.start(async (k): Promise<WorkResult> => {
            if (active.has(k)) violations.push(`'${k}' ran twice at once`);
            active.add(k);
            if (active.size > concurrency) violations.push(`${active.size} > ${concurrency}`);
            lastStart.set(k, ++seq);
            const next = outcomes[runs++ % outcomes.length];
            try {
              if (quiet || !next) return;
              await new Promise<void>((resolve) => clock.setTimeout(resolve, next.durationMs));
              if (next.result === 'throw') throw new Error('handler failed');
              return next.result === 'ok' ? undefined : next.result;
            } finally {
              active.delete(k);
            }
          });

          for (const c of commands) {
            if (c.kind === 'advance') await clock.advance(c.ms);
            else {
              lastAdd.set(c.key, ++seq);
              if (c.kind === 'add') queue.add(c.key);
              else queue.addAfter(c.key, c.delayMs);
            }
          }
          // From here on every run succeeds at once; pending backoffs and requeues play out.
          quiet = true;
          for (let i = 0; i < 10 && (clock.pendingTimers() > 0 || active.size > 0); i++) {
            await clock.advance(1000);
          }
          await queue.drained();

          expect(violations).toEqual([]);
          expect(clock.pendingTimers()).toBe(0);
          for (const [k, added] of lastAdd) {
            expect(lastStart.get(k) ?? 0, `'${k}' last added at ${added}`).toBeGreaterThan(added);
          }
          await queue.stop();
        },
      ),
      { numRuns: 300 },
    );
  });
});
