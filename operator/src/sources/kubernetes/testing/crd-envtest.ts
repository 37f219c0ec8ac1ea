import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startEnvtest, type Envtest } from '@hmmtrade/testkit/envtest';
import { quietLogger } from '../../../testing/operator-harness.ts';
import { createCrdSource, type CrdSource, type CrdSourceDeps } from '../../crd-source.ts';
import type { ReflectorTuning } from '../reflector.ts';
import { createTradingBotClient, type TradingBotClient } from '../trading-bot-client.ts';

const CRD_FILE = new URL(
  '../../../../../crds/generated/tradingbots.hmmtrade.io.yaml',
  import.meta.url,
).pathname;

/** A minimal valid TradingBot spec on the sim broker. */
export const SIM_SPEC = {
  broker: { kind: 'sim' },
  profile: { symbols: ['BTC/USD'], assetClass: 'crypto', timeframe: '1Min' },
  runtime: { backend: 'local' },
};

/** A CRD source under test, with what it reported and the epoch its fake leader holds. */
export interface SourceUnderTest {
  source: CrdSource;
  client: TradingBotClient;
  /** Every id passed to onChange, in order. */
  changes: string[];
  /** Starts the source, recording its changes. */
  start: () => Promise<void>;
  setEpoch: (epoch: number | null) => void;
}

/** A real apiserver with the TradingBot CRD, and helpers to drive it like a user would. */
export interface CrdEnvtest {
  env: Envtest;
  kubeConfig: KubeConfig;
  /** Runs kubectl; throws with its stderr on a non-zero exit. */
  kubectl(args: string[], input?: string): Promise<string>;
  /** Creates `namespace` (if needed) and applies TradingBots named `names` (if any) in it. */
  applyBots(namespace: string, names: string[], spec?: object): Promise<void>;
  uid(namespace: string, name: string): Promise<string>;
  /** `kubectl patch --type=merge` of a TradingBot (or of its status subresource). */
  patchBot(namespace: string, name: string, patch: object, subresource?: 'status'): Promise<void>;
  /**
   * A CRD source on `namespace` with fast test tunings, fenced by `leader` or by a fake one
   * holding epoch 7 (see setEpoch); stopped by stopSources().
   */
  newSource(
    namespace: string,
    options?: {
      wrap?: (client: TradingBotClient) => TradingBotClient;
      tuning?: ReflectorTuning;
    } & Partial<Pick<CrdSourceDeps, 'mirror' | 'events' | 'leader'>>,
  ): SourceUnderTest;
  stopSources(): Promise<void>;
  stop(): Promise<void>;
}

export async function startCrdEnvtest(): Promise<CrdEnvtest> {
  const env = await startEnvtest();
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(env.kubeconfig);
  const kubectl = async (args: string[], input?: string) => {
    const result = await env.kubectl(args, input === undefined ? undefined : { input });
    if (result.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${result.stderr}`);
    return result.stdout;
  };
  try {
    await kubectl(['apply', '-f', CRD_FILE]);
    await kubectl(['wait', '--for=condition=Established', 'crd/tradingbots.hmmtrade.io']);
  } catch (error) {
    await env.stop();
    throw error;
  }
  const sources: CrdSource[] = [];
  const namespaces = new Set<string>();
  return {
    env,
    kubeConfig,
    kubectl,
    async applyBots(namespace, names, spec = SIM_SPEC) {
      if (!namespaces.has(namespace)) {
        await kubectl(['create', 'namespace', namespace]);
        namespaces.add(namespace);
      }
      if (names.length === 0) return;
      const items = names.map((name) => ({
        apiVersion: 'hmmtrade.io/v1alpha1',
        kind: 'TradingBot',
        metadata: { name, namespace },
        spec,
      }));
      await kubectl(
        ['apply', '-f', '-'],
        JSON.stringify({ apiVersion: 'v1', kind: 'List', items }),
      );
    },
    async patchBot(namespace, name, patch, subresource) {
      const target = ['patch', 'tb', name, '-n', namespace, '--type=merge'];
      if (subresource) target.push(`--subresource=${subresource}`);
      await kubectl([...target, '-p', JSON.stringify(patch)]);
    },
    uid: (namespace, name) =>
      kubectl(['get', 'tb', name, '-n', namespace, '-o', 'jsonpath={.metadata.uid}']),
    newSource(namespace, options = {}) {
      const client = createTradingBotClient(kubeConfig, { namespace });
      const changes: string[] = [];
      let epoch: number | null = 7;
      const source = createCrdSource({
        client: options.wrap ? options.wrap(client) : client,
        leader: options.leader ?? { epoch: () => epoch },
        logger: quietLogger(),
        tuning: {
          pageSize: 2,
          relistPeriodMs: 0,
          backoff: { baseMs: 10, maxMs: 200 },
          ...options.tuning,
        },
        ...(options.mirror ? { mirror: options.mirror } : {}),
        ...(options.events ? { events: options.events } : {}),
      });
      sources.push(source);
      return {
        source,
        client,
        changes,
        start: () => source.start((id) => void changes.push(id)),
        setEpoch: (next) => void (epoch = next),
      };
    },
    async stopSources() {
      await Promise.all(sources.splice(0).map((source) => source.stop()));
    },
    async stop() {
      await Promise.all(sources.splice(0).map((source) => source.stop()));
      await env.stop();
    },
  };
}

/**
 * The hooks of a test file on one apiserver with the CRD installed: started before all tests
 * (`ready` receives it), the sources a test started stopped after each, stopped after all.
 */
export function useCrdEnvtest(ready: (crd: CrdEnvtest) => void): void {
  let crd: CrdEnvtest | undefined;
  beforeAll(async () => {
    crd = await startCrdEnvtest();
    ready(crd);
  });
  afterEach(async () => {
    await crd?.stopSources();
  });
  afterAll(async () => {
    await crd?.stop();
  });
}
