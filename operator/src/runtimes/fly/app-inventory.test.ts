import { describe, expect, it } from 'vitest';
import { createAppInventory } from './app-inventory.ts';
import type { Machine } from './machines-types.ts';

const machine = (id: string, botId: string, name = `bot-${botId}`): Machine => ({
  id,
  name,
  state: 'started',
  config: { metadata: { hmmtrade_bot_id: botId } },
});

/** An inventory on a hand-moved clock whose app list answers `listing` (settable). */
function inventoryOn(listing: Machine[]) {
  let now = 1_000;
  let lists = 0;
  let answer: (() => void) | undefined;
  const state = { listing, hold: false };
  const inventory = createAppInventory({
    absenceTrustMs: 60_000,
    now: () => now,
    listManaged: async () => {
      lists++;
      const shown = [...state.listing];
      if (state.hold) await new Promise<void>((resolve) => (answer = resolve));
      return shown;
    },
  });
  return {
    inventory,
    state,
    lists: () => lists,
    advance: (ms: number) => (now += ms),
    now: () => now,
    answer: () => answer?.(),
  };
}

describe('app inventory', () => {
  it('answers every bot of an app from one list, shared by concurrent callers', async () => {
    const { inventory, lists } = inventoryOn([
      machine('m2', 'a', 'other'),
      machine('m1', 'a'),
      machine('m3', 'b'),
    ]);
    const answers = await Promise.all(
      ['a', 'b', 'c'].map((botId) => inventory.machineIdsOf('app', botId)),
    );
    expect(answers).toEqual([['m1', 'm2'], ['m3'], []]);
    expect(lists()).toBe(1);
  });

  it('trusts an absence for absenceTrustMs, a known machine until told otherwise', async () => {
    const { inventory, state, lists, advance } = inventoryOn([machine('m1', 'a')]);
    expect(await inventory.machineIdsOf('app', 'b')).toEqual([]);
    advance(59_999);
    expect(await inventory.machineIdsOf('app', 'b')).toEqual([]);
    expect(lists()).toBe(1);
    advance(1);
    expect(await inventory.machineIdsOf('app', 'a')).toEqual(['m1']);
    expect(lists()).toBe(1);
    state.listing = [machine('m1', 'a'), machine('m9', 'b')];
    expect(await inventory.machineIdsOf('app', 'b')).toEqual(['m9']);
    expect(lists()).toBe(2);
  });

  it("keeps what was learned after a list went out over that list's answer", async () => {
    const { inventory, state, advance, now, answer } = inventoryOn([]);
    expect(await inventory.machineIdsOf('app', 'a')).toEqual([]);
    advance(60_000);
    state.hold = true;
    const refreshing = inventory.refresh('app');
    advance(10);
    inventory.record('app', 'a', [machine('m1', 'a')], now());
    answer();
    await refreshing;
    expect(await inventory.machineIdsOf('app', 'a')).toEqual(['m1']);
  });

  it('ignores a record older than the last list, and a list overtaken by a newer one', async () => {
    const { inventory, state, advance, now, answer } = inventoryOn([machine('m1', 'a')]);
    const before = now();
    advance(10);
    await inventory.refresh('app');
    inventory.record('app', 'a', [], before);
    expect(await inventory.machineIdsOf('app', 'a')).toEqual(['m1']);

    state.hold = true;
    const older = inventory.refresh('app');
    advance(10);
    state.hold = false;
    state.listing = [];
    await inventory.refresh('app');
    answer();
    await older;
    expect(await inventory.machineIdsOf('app', 'a')).toEqual([]);
  });

  it('after forget, knows nothing of the bot until the next list', async () => {
    const { inventory, lists, advance, now } = inventoryOn([]);
    inventory.record('app', 'a', [], now());
    inventory.forget('app', 'a');
    expect(await inventory.machineIdsOf('app', 'a')).toBeUndefined();
    expect(lists()).toBe(0);
    advance(1);
    await inventory.refresh('app');
    expect(await inventory.machineIdsOf('app', 'a')).toEqual([]);
  });
});
