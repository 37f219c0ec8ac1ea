import { describe, expect, it } from 'vitest';
import { BackendUnavailableError, StalledError, WaitingError } from '../../reconcile/errors.ts';
import { desiredInstance } from '../testing/desired-instance.ts';
import { eventually } from '../testing/eventually.ts';
import { createKubernetesRuntime } from './kubernetes-runtime.ts';
import { kubeConfigWithToken } from './testing/kube-harness.ts';
import { useKubeRuntimeEnv } from './testing/kube-runtime-hooks.ts';
import type { KubeRuntimeUnderTest } from './testing/kube-harness.ts';
import type { KubeTestEnv } from './testing/kube-harness.ts';

let env: KubeTestEnv;
const runtimeUnderTest = useKubeRuntimeEnv((started) => {
  env = started;
});
const podOf = (rt: KubeRuntimeUnderTest, botId: string) =>
  env.core.readNamespacedPod({ namespace: rt.namespace, name: rt.runtime.objectName(botId) });
const running = (rt: KubeRuntimeUnderTest, botId: string) =>
  eventually(async () => {
    const seen = await rt.runtime.observe(botId);
    expect(seen?.state).toBe('running');
    return seen;
  });

describe('kubernetes runtime: pods the kubelet never ran or lost', () => {
  it('stops a pod that was never scheduled at once (the apiserver deletes it)', async () => {
    const rt = await runtimeUnderTest({ kubelet: false });
    await rt.runtime.create(desiredInstance('b1'));
    expect(await rt.runtime.observe('b1')).toMatchObject({ state: 'pending' });
    expect((await podOf(rt, 'b1')).spec?.nodeName).toBeUndefined();
    await rt.runtime.stop('b1', { signal: 'SIGTERM', timeoutSeconds: 30 });
    expect(await rt.runtime.observe('b1')).toMatchObject({ state: 'stopped' });
    await expect(podOf(rt, 'b1')).rejects.toMatchObject({ code: 404 });
    expect(await rt.runtime.start('b1')).toMatchObject({ state: 'pending' });
    await rt.runtime.destroy('b1');
    expect(await rt.runtime.observe('b1')).toBeNull();
  });

  it('leaves a pod whose node never confirms the kill stopping', async () => {
    const rt = await runtimeUnderTest({
      kubelet: { termination: () => 'never' },
      runtime: { stopSlackSeconds: 0 },
    });
    await rt.runtime.create(desiredInstance('b1'));
    await running(rt, 'b1');
    const stop = rt.runtime.stop('b1', { signal: 'SIGTERM', timeoutSeconds: 1 });
    await expect(stop).rejects.toBeInstanceOf(WaitingError);
    expect(await rt.runtime.observe('b1')).toMatchObject({ state: 'stopping' });
    expect((await podOf(rt, 'b1')).metadata?.deletionTimestamp).toBeDefined();
    // Destroy keeps the Secret, and so the instance, until the pod is really gone.
    await expect(rt.runtime.destroy('b1')).rejects.toBeInstanceOf(WaitingError);
    expect(await rt.runtime.observe('b1')).toMatchObject({ state: 'stopping' });
  });

  it('reports a running bot whose pod vanished as crashed, and start brings it back', async () => {
    const rt = await runtimeUnderTest();
    const created = await rt.runtime.create(desiredInstance('b1'));
    await running(rt, 'b1');
    const name = rt.runtime.objectName('b1');
    await env.core.deleteNamespacedPod({ namespace: rt.namespace, name, gracePeriodSeconds: 0 });
    await eventually(async () =>
      expect(await rt.runtime.observe('b1')).toMatchObject({
        state: 'crashed',
        lastExitCode: null,
      }),
    );
    await rt.runtime.start('b1');
    expect(await running(rt, 'b1')).toMatchObject({ instanceId: created.instanceId });
  });

  it('records an update of a stopped bot and runs it on start', async () => {
    const rt = await runtimeUnderTest();
    await rt.runtime.create(desiredInstance('b1'));
    await rt.runtime.stop('b1', { signal: 'SIGTERM', timeoutSeconds: 5 });
    const next = desiredInstance('b1', { image: 'ghcr.io/hmmtrade/bot:next', generation: 2 });
    const updated = await rt.runtime.update(next);
    expect(updated).toMatchObject({
      state: 'stopped',
      configHash: next.configHash,
      image: next.image,
    });
    await rt.runtime.start('b1');
    expect(await running(rt, 'b1')).toMatchObject({ configHash: next.configHash, generation: 2 });
    expect((await podOf(rt, 'b1')).spec?.containers[0]?.image).toBe(next.image);
  });
});

describe('kubernetes runtime: ownership of names', () => {
  it('two operators creating the same bot at once make one pod', async () => {
    const rt = await runtimeUnderTest();
    const other = createKubernetesRuntime({ kubeConfig: env.kubeConfig, namespace: rt.namespace });
    const created = await Promise.all([
      rt.runtime.create(desiredInstance('b1')),
      other.create(desiredInstance('b1')),
      rt.runtime.create(desiredInstance('b1')),
      other.create(desiredInstance('b1')),
    ]);
    await other.close();
    expect(new Set(created.map((instance) => instance.instanceId)).size).toBe(1);
    const pods = await env.core.listNamespacedPod({ namespace: rt.namespace });
    expect(pods.items).toHaveLength(1);
  });

  it('refuses to treat an object it did not make as the bot', async () => {
    const rt = await runtimeUnderTest({ kubelet: false });
    const name = rt.runtime.objectName('b1');
    const body = { metadata: { name }, spec: { containers: [{ name: 'x', image: 'busybox' }] } };
    await env.core.createNamespacedPod({ namespace: rt.namespace, body });
    // The runtime sees only objects it labelled; the name clash surfaces when it writes.
    expect(await rt.runtime.observe('b1')).toBeNull();
    await expect(rt.runtime.create(desiredInstance('b1'))).rejects.toBeInstanceOf(StalledError);
    await expect(rt.runtime.start('b1')).rejects.toBeInstanceOf(StalledError);
    await rt.runtime.destroy('b1');
    expect((await podOf(rt, 'b1')).spec?.containers[0]?.name).toBe('x');
  });
});

describe('kubernetes runtime: API errors', () => {
  it('maps 403 of a service account without RBAC to StalledError', async () => {
    const rt = await runtimeUnderTest({ kubelet: false });
    const sa = 'no-rbac';
    await env.core.createNamespacedServiceAccount({
      namespace: rt.namespace,
      body: { metadata: { name: sa } },
    });
    const token = await env.core.createNamespacedServiceAccountToken({
      namespace: rt.namespace,
      name: sa,
      body: { spec: { audiences: [] } },
    });
    const restricted = createKubernetesRuntime({
      kubeConfig: kubeConfigWithToken(env, token.status?.token ?? ''),
      namespace: rt.namespace,
    });
    const failure = restricted.create(desiredInstance('b1'));
    await expect(failure).rejects.toBeInstanceOf(StalledError);
    await expect(failure).rejects.toThrow(/forbidden.*system:serviceaccount/);
  });

  it('maps 422 of an invalid pod to StalledError with the API message', async () => {
    const rt = await runtimeUnderTest({ kubelet: false });
    const failure = rt.runtime.create(desiredInstance('b1', { image: '' }));
    await expect(failure).rejects.toBeInstanceOf(StalledError);
    await expect(failure).rejects.toThrow(/spec\.containers\[0\]\.image: Required value/);
  });

  it('maps 422 of a bot id that is no label value to StalledError', async () => {
    const rt = await runtimeUnderTest({ kubelet: false });
    const failure = rt.runtime.create(desiredInstance('Not_A_Label_'));
    await expect(failure).rejects.toBeInstanceOf(StalledError);
    await expect(failure).rejects.toThrow(/metadata\.labels/);
  });

  it('maps an unreachable apiserver to BackendUnavailableError', async () => {
    const kubeConfig = kubeConfigWithToken(env, env.envtest.token, 'https://127.0.0.1:1');
    const runtime = createKubernetesRuntime({ kubeConfig, namespace: 'default' });
    await expect(runtime.observe('b1')).rejects.toBeInstanceOf(BackendUnavailableError);
    await expect(runtime.list()).rejects.toBeInstanceOf(BackendUnavailableError);
  });
});
