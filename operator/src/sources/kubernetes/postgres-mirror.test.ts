import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, sampleSpec, type TestDatabase } from '@hmmtrade/db/testing';
import { eventually } from '../../runtimes/testing/eventually.ts';
import { mirrorToPostgres } from './postgres-mirror.ts';
import { useCrdEnvtest, type CrdEnvtest } from './testing/crd-envtest.ts';

describe('mirror of CRD bots into Postgres (real apiserver, real Postgres)', () => {
  let crd: CrdEnvtest;
  let testDb: TestDatabase;
  useCrdEnvtest((ready) => (crd = ready));
  beforeAll(async () => {
    testDb = await createTestDatabase('postgres');
  });
  afterAll(async () => {
    await testDb?.dispose();
  });

  const row = (uid: string) =>
    testDb.handle.db.selectFrom('bots').selectAll().where('id', '=', uid).executeTakeFirst();

  it('follows create, status, delete and finalize, and prunes rows of vanished objects', async () => {
    const { db } = testDb.handle;
    // A row left behind by an object deleted while no operator ran.
    const stale = '00000000-0000-4000-8000-000000000001';
    await db
      .insertInto('bots')
      .values({
        id: stale,
        owner_id: null,
        name: 'ghost',
        source: 'kubernetes',
        spec: JSON.stringify(sampleSpec()),
        k8s_namespace: 'mirrored',
        k8s_name: 'ghost',
        k8s_uid: stale,
      })
      .execute();

    await crd.applyBots('mirrored', ['m-1']);
    const { source, start } = crd.newSource('mirrored', { mirror: mirrorToPostgres(db) });
    await start();
    const uid = await crd.uid('mirrored', 'm-1');
    await eventually(async () => expect(await row(stale)).toBeUndefined());
    await eventually(async () =>
      expect(await row(uid)).toMatchObject({
        id: uid,
        owner_id: null,
        name: 'm-1',
        source: 'kubernetes',
        k8s_namespace: 'mirrored',
        k8s_name: 'm-1',
        k8s_uid: uid,
        deleted_at: null,
        spec: expect.objectContaining({
          profile: expect.objectContaining({ symbols: ['BTC/USD'] }),
        }),
      }),
    );

    await crd.patchBot('mirrored', 'm-1', { spec: { suspend: true } });
    await eventually(async () => expect((await row(uid))?.spec).toMatchObject({ suspend: true }));

    await eventually(() => expect(source.get(uid)?.generation).toBe(2));
    await source.writeStatus(source.get(uid)!, { phase: 'Stopped', observedGeneration: 2 }, 7);
    await eventually(async () =>
      expect(await row(uid)).toMatchObject({
        status: expect.objectContaining({ phase: 'Stopped' }),
        observed_generation: 2,
      }),
    );

    await crd.kubectl(['delete', 'tb', 'm-1', '-n', 'mirrored', '--wait=false']);
    await eventually(async () => expect((await row(uid))?.deleted_at).toBeInstanceOf(Date));
    await eventually(() => expect(source.get(uid)?.deletedAt).toBeInstanceOf(Date));
    await source.finalize(source.get(uid)!, 7);
    await eventually(async () => expect(await row(uid)).toBeUndefined());
  });

  it('replaces the row of an object deleted and created again under the same name', async () => {
    const { db } = testDb.handle;
    const { start } = crd.newSource('recreated', { mirror: mirrorToPostgres(db) });
    await crd.applyBots('recreated', ['phoenix']);
    await start();
    const first = await crd.uid('recreated', 'phoenix');
    await eventually(async () => expect(await row(first)).toBeDefined());

    // Gone without the operator's help: deleted, then the finalizer stripped by hand.
    await crd.kubectl(['delete', 'tb', 'phoenix', '-n', 'recreated', '--wait=false']);
    await crd.patchBot('recreated', 'phoenix', { metadata: { finalizers: null } });
    await crd.applyBots('recreated', ['phoenix']);
    const second = await crd.uid('recreated', 'phoenix');
    expect(second).not.toBe(first);
    await eventually(async () => {
      const rows = await db
        .selectFrom('bots')
        .select(['id', 'k8s_uid'])
        .where('k8s_namespace', '=', 'recreated')
        .execute();
      expect(rows).toEqual([{ id: second, k8s_uid: second }]);
    });
  });
});
