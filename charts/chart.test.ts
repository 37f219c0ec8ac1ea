// The Helm chart as helm sees it: lint, render on supported Kubernetes versions, the schema of its
// values, and what the rendered objects grant, expose and run.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  chartDir,
  findObject,
  kubeVersions,
  renderChart,
  repoRoot,
  runHelm,
  specOf,
  templateChart,
} from './testing/helm-chart.ts';
import type { Container, DeploymentSpec, KubeObject, PodSpec } from './testing/helm-chart.ts';
import { GENERATED_CRD_PATH, RESOURCE_POLICY_ANNOTATION } from './scripts/chart-crd.ts';

const components = ['operator', 'api', 'web'] as const;
const name = (component: string): string => `rel-hmmtrade-${component}`;

/** The operator's rights on bots, their pods and Secrets, as `group|resource|verb`. */
const botRules = [
  ...['get', 'list', 'watch', 'update', 'patch'].map((v) => `hmmtrade.io|tradingbots|${v}`),
  ...['update', 'patch'].map((v) => `hmmtrade.io|tradingbots/status|${v}`),
  'hmmtrade.io|tradingbots/finalizers|update',
  ...['pods', 'secrets'].flatMap((r) =>
    ['create', 'get', 'list', 'watch', 'update', 'patch', 'delete'].map((v) => `|${r}|${v}`),
  ),
  ...['', 'events.k8s.io'].flatMap((g) => [`${g}|events|create`, `${g}|events|patch`]),
].sort();
const leaseRules = ['get', 'create', 'update'].map((v) => `coordination.k8s.io|leases|${v}`).sort();

interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  verbs?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

/** Expands RBAC rules into sorted `group|resource|verb` triples; names or URLs are kept visible. */
function flattenRules(role: KubeObject): string[] {
  const triples: string[] = [];
  for (const rule of role.rules as PolicyRule[]) {
    if (rule.resourceNames !== undefined || rule.nonResourceURLs !== undefined) {
      triples.push(`unexpected ${JSON.stringify(rule)}`);
    }
    for (const group of rule.apiGroups ?? [])
      for (const resource of rule.resources ?? [])
        for (const verb of rule.verbs ?? []) triples.push(`${group}|${resource}|${verb}`);
  }
  return triples.sort();
}

function kindCounts(objects: readonly KubeObject[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of objects) counts[o.kind] = (counts[o.kind] ?? 0) + 1;
  return counts;
}

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: unknown;
}

interface NetworkPolicySpec {
  podSelector: { matchLabels: Record<string, string> };
  policyTypes: string[];
  ingress?: unknown[];
  egress: { ports?: { port: number | string; protocol: string }[]; to?: unknown[] }[];
}

interface ServiceSpec {
  selector: Record<string, string>;
  ports: unknown[];
}

function podSpec(deployment: KubeObject): PodSpec {
  return specOf<DeploymentSpec>(deployment).template.spec;
}

function envOf(container: Container | undefined): Record<string, EnvVar> {
  return Object.fromEntries((container?.env ?? []).map((e) => [e.name, e]));
}

function env(objects: readonly KubeObject[], component: string): Record<string, EnvVar> {
  return envOf(podSpec(findObject(objects, 'Deployment', name(component))).containers[0]);
}

describe('helm lint', () => {
  it.each(kubeVersions)('is clean with --strict on Kubernetes %s', async (kubeVersion) => {
    const result = await runHelm(['lint', chartDir, '--strict', '--kube-version', kubeVersion]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
    expect(result.stdout).not.toMatch(/\[(WARNING|ERROR)\]/);
  });

  it('is clean with --strict with every optional part switched on', async () => {
    const result = await runHelm([
      'lint',
      chartDir,
      '--strict',
      ...['--set', 'watchNamespace=bots,kms.provider=aws,kms.aws.keyId=alias/hmmtrade'],
      ...['--set', 'kms.aws.credentialsSecret=aws,stripe.existingSecret=stripe'],
      ...['--set', 'metrics.serviceMonitor.enabled=true,networkPolicy.database.cidrs={10.0.0.0/8}'],
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(/\[(WARNING|ERROR)\]/);
  });
});

describe('helm template', () => {
  it.each(kubeVersions)('renders the whole install on Kubernetes %s', async (kubeVersion) => {
    const objects = await renderChart({ kubeVersion });
    expect(kindCounts(objects)).toEqual({
      CustomResourceDefinition: 1,
      Deployment: 3,
      Service: 3,
      ServiceAccount: 3,
      ClusterRole: 1,
      ClusterRoleBinding: 1,
      Role: 1,
      RoleBinding: 1,
      PodDisruptionBudget: 3,
      NetworkPolicy: 4,
    });
    for (const o of objects) {
      expect(
        o.metadata.labels?.['app.kubernetes.io/instance'],
        `${o.kind}/${o.metadata.name}`,
      ).toBe(o.kind === 'CustomResourceDefinition' ? undefined : 'rel');
      const clusterScoped = ['CustomResourceDefinition', 'ClusterRole', 'ClusterRoleBinding'];
      expect(o.metadata.namespace).toBe(clusterScoped.includes(o.kind) ? undefined : 'hmm');
    }
  });

  it('refuses a Kubernetes older than the chart supports', async () => {
    const result = await templateChart({ kubeVersion: '1.29.0' });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('chart requires kubeVersion: >= 1.30.0-0');
  });

  it('runs `hmmtrade operator` and `hmmtrade api` from the appVersion image, the web from its own', async () => {
    const objects = await renderChart();
    const chart = parse(await readFile(join(chartDir, 'Chart.yaml'), 'utf8')) as {
      appVersion: string;
    };
    expect(chart.appVersion).toBe('0.1.0');
    const containers = (c: string): Container[] =>
      podSpec(findObject(objects, 'Deployment', name(c))).containers;
    expect(containers('operator')).toMatchObject([
      {
        image: 'ghcr.io/hmmtrade/hmmtrade:0.1.0',
        // V8 flags go on the command line: NODE_OPTIONS refuses them.
        command: [
          'node',
          '--max-semi-space-size=2',
          '--heap-growing-percent=10',
          '/usr/local/bin/hmmtrade',
          'operator',
        ],
      },
    ]);
    expect(containers('api')).toMatchObject([
      { image: 'ghcr.io/hmmtrade/hmmtrade:0.1.0', command: ['hmmtrade', 'api'] },
    ]);
    expect(containers('web')).toMatchObject([{ image: 'ghcr.io/hmmtrade/hmmtrade-web:0.1.0' }]);
    const api = podSpec(findObject(objects, 'Deployment', name('api')));
    // First the keys are put in place, then the database is migrated.
    expect(api.initContainers?.map((c) => c.name)).toEqual(['secrets', 'migrate']);
    expect(api.initContainers?.[1]?.command).toEqual(['hmmtrade', 'migrate']);

    const flagged = await renderChart({ set: ['operator.nodeFlags={--max-old-space-size=256}'] });
    expect(
      podSpec(findObject(flagged, 'Deployment', name('operator'))).containers[0],
    ).toMatchObject({
      command: ['node', '--max-old-space-size=256', '/usr/local/bin/hmmtrade', 'operator'],
    });

    const tagged = await renderChart({ set: ['api.image.tag=1.2.3', 'api.migrateOnStart=false'] });
    const taggedApi = podSpec(findObject(tagged, 'Deployment', name('api')));
    expect(taggedApi.containers[0]?.image).toBe('ghcr.io/hmmtrade/hmmtrade:1.2.3');
    expect(taggedApi.initContainers?.map((c) => c.name)).toEqual(['secrets']);
  });

  it('locks every pod and container down and probes /healthz and /readyz', async () => {
    const objects = await renderChart();
    for (const component of components) {
      const pod = podSpec(findObject(objects, 'Deployment', name(component)));
      expect(pod.securityContext).toMatchObject({
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(pod.serviceAccountName).toBe(name(component));
      // Only the operator talks to the Kubernetes API.
      expect(pod.automountServiceAccountToken).toBe(component === 'operator');
      for (const container of [...pod.containers, ...(pod.initContainers ?? [])]) {
        expect(container.securityContext, `${component}/${container.name}`).toEqual({
          runAsNonRoot: true,
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' },
        });
        expect(container.resources.requests).toMatchObject({ cpu: expect.any(String) });
        expect(container.resources.limits).toMatchObject({ memory: expect.any(String) });
      }
      const main = pod.containers[0];
      expect(main?.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
      expect(main?.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
      expect(main?.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'http' });
      // A read-only root needs a writable /tmp.
      expect(main?.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
    }
  });

  it('takes every credential from a Secret and renders no Secret of its own', async () => {
    const objects = await renderChart();
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    const operator = podSpec(findObject(objects, 'Deployment', name('operator')));
    const api = podSpec(findObject(objects, 'Deployment', name('api')));
    const migrate = api.initContainers?.find((c) => c.name === 'migrate');
    for (const container of [operator.containers[0], api.containers[0], migrate]) {
      expect(envOf(container).DATABASE_URL).toEqual({
        name: 'DATABASE_URL',
        valueFrom: { secretKeyRef: { name: 'rel-hmmtrade-database', key: 'DATABASE_URL' } },
      });
    }
    // The keys reach the main container only through the in-memory copy the secrets init
    // container makes (secrets-init.test.ts runs it).
    for (const pod of [operator, api]) {
      expect(pod.volumes).toContainEqual({
        name: 'machine-jwt',
        secret: {
          secretName: 'rel-hmmtrade-machine-jwt',
          defaultMode: 0o440,
          items: [{ key: 'machine-jwt-key.json', path: 'machine-jwt-key.json' }],
        },
      });
      expect(pod.volumes).toContainEqual({
        name: 'secrets',
        emptyDir: { medium: 'Memory', sizeLimit: '1Mi' },
      });
      expect(pod.containers[0]?.volumeMounts).toContainEqual({
        name: 'secrets',
        mountPath: '/var/lib/hmmtrade/secrets',
        readOnly: true,
      });
      expect(pod.containers[0]?.volumeMounts).not.toContainEqual(
        expect.objectContaining({ name: 'machine-jwt' }),
      );
    }
    // The local KMS provider: master keys from a Secret, for the api only.
    expect(api.volumes).toContainEqual({
      name: 'kms',
      secret: { secretName: 'rel-hmmtrade-kms', defaultMode: 0o440 },
    });
    expect(operator.volumes?.map((v) => v.name)).not.toContain('kms');
    expect(envOf(api.containers[0])).not.toHaveProperty('KMS_KEY_ID');
    expect(envOf(api.containers[0])).not.toHaveProperty('STRIPE_SECRET_KEY');
  });

  it('reads named Secrets for Postgres, AWS KMS and Stripe when configured', async () => {
    const objects = await renderChart({
      set: [
        'database.existingSecret=pg,database.key=url',
        'kms.provider=aws,kms.aws.keyId=arn:aws:kms:eu-west-1:1:key/k,kms.aws.region=eu-west-1',
        'kms.aws.credentialsSecret=aws-creds,stripe.existingSecret=stripe',
      ],
    });
    const api = podSpec(findObject(objects, 'Deployment', name('api')));
    const apiEnv = envOf(api.containers[0]);
    const fromSecret = (secret: string, key: string): object => ({
      valueFrom: { secretKeyRef: { name: secret, key } },
    });
    expect(apiEnv.DATABASE_URL).toMatchObject(fromSecret('pg', 'url'));
    expect(apiEnv.KMS_KEY_ID).toEqual({
      name: 'KMS_KEY_ID',
      value: 'arn:aws:kms:eu-west-1:1:key/k',
    });
    expect(apiEnv.AWS_REGION).toEqual({ name: 'AWS_REGION', value: 'eu-west-1' });
    expect(apiEnv.AWS_ACCESS_KEY_ID).toMatchObject(fromSecret('aws-creds', 'AWS_ACCESS_KEY_ID'));
    expect(apiEnv.AWS_SECRET_ACCESS_KEY).toMatchObject(
      fromSecret('aws-creds', 'AWS_SECRET_ACCESS_KEY'),
    );
    expect(apiEnv.STRIPE_SECRET_KEY).toMatchObject(fromSecret('stripe', 'STRIPE_SECRET_KEY'));
    expect(apiEnv.STRIPE_WEBHOOK_SECRET).toMatchObject(
      fromSecret('stripe', 'STRIPE_WEBHOOK_SECRET'),
    );
    expect(api.volumes?.map((v) => v.name)).not.toContain('kms');
    // Whatever is configured, a credential never arrives as a literal value.
    for (const [envName, entry] of Object.entries(apiEnv)) {
      if (/SECRET|PASSWORD|TOKEN|DATABASE_URL|ACCESS_KEY/.test(envName)) {
        expect(entry, envName).not.toHaveProperty('value');
      }
    }
  });

  it('gives the operator its runtime, namespace and the api URL bots call', async () => {
    const objects = await renderChart({ set: ['watchNamespace=bots'] });
    const operatorEnv = env(objects, 'operator');
    expect(operatorEnv.OPERATOR_RUNTIME?.value).toBe('kubernetes');
    expect(operatorEnv.WATCH_NAMESPACE?.value).toBe('bots');
    expect(operatorEnv.HMMTRADE_API_URL?.value).toBe('http://rel-hmmtrade-api.hmm.svc:8080');
    expect(operatorEnv.POD_NAMESPACE?.valueFrom).toEqual({
      fieldRef: { fieldPath: 'metadata.namespace' },
    });
    expect(operatorEnv.HOST?.value).toBe('0.0.0.0');
    expect(env(objects, 'web').HMMTRADE_API_URL?.value).toBe(
      'http://rel-hmmtrade-api.hmm.svc:8080',
    );
  });

  it('passes scheduling, pull secrets, extra env and pod metadata through', async () => {
    const objects = await renderChart({
      set: [
        'imagePullSecrets[0].name=ghcr',
        'api.nodeSelector.pool=control',
        'api.tolerations[0].key=dedicated,api.tolerations[0].operator=Exists',
        'api.extraEnv[0].name=TZ,api.extraEnv[0].value=UTC',
        'api.podAnnotations.team=trading,api.podLabels.tier=backend',
        'api.serviceAccount.annotations.eks\\.amazonaws\\.com/role-arn=arn:aws:iam::1:role/kms',
      ],
    });
    const deployment = specOf<DeploymentSpec>(findObject(objects, 'Deployment', name('api')));
    expect(deployment.template.spec).toMatchObject({
      imagePullSecrets: [{ name: 'ghcr' }],
      nodeSelector: { pool: 'control' },
      tolerations: [{ key: 'dedicated', operator: 'Exists' }],
    });
    expect(deployment.template.metadata).toMatchObject({
      annotations: { team: 'trading' },
      labels: { tier: 'backend', 'app.kubernetes.io/component': 'api' },
    });
    expect(envOf(deployment.template.spec.containers[0]).TZ).toEqual({ name: 'TZ', value: 'UTC' });
    expect(findObject(objects, 'ServiceAccount', name('api')).metadata.annotations).toEqual({
      'eks.amazonaws.com/role-arn': 'arn:aws:iam::1:role/kms',
    });
    // Pull secrets reach every pod.
    for (const component of components) {
      expect(podSpec(findObject(objects, 'Deployment', name(component))).imagePullSecrets).toEqual([
        { name: 'ghcr' },
      ]);
    }
  });

  it('uses an existing ServiceAccount when asked, and insists on its name', async () => {
    const objects = await renderChart({
      set: ['operator.serviceAccount.create=false', 'operator.serviceAccount.name=my-operator'],
    });
    expect(
      objects.filter((o) => o.metadata.name === name('operator') && o.kind === 'ServiceAccount'),
    ).toEqual([]);
    expect(podSpec(findObject(objects, 'Deployment', name('operator'))).serviceAccountName).toBe(
      'my-operator',
    );
    expect(findObject(objects, 'ClusterRoleBinding', 'hmm-rel-hmmtrade-operator').subjects).toEqual(
      [{ kind: 'ServiceAccount', name: 'my-operator', namespace: 'hmm' }],
    );
    const unnamed = await templateChart({ set: ['operator.serviceAccount.create=false'] });
    expect(unnamed.code).not.toBe(0);
    expect(unnamed.stderr).toContain(
      'operator.serviceAccount.name is required when operator.serviceAccount.create is false',
    );
  });

  it('selects each component with its Service and PodDisruptionBudget', async () => {
    const objects = await renderChart();
    for (const component of components) {
      const deployment = specOf<DeploymentSpec>(findObject(objects, 'Deployment', name(component)));
      const selector = deployment.selector.matchLabels;
      expect(selector).toEqual({
        'app.kubernetes.io/name': 'hmmtrade',
        'app.kubernetes.io/instance': 'rel',
        'app.kubernetes.io/component': component,
      });
      expect(deployment.template.metadata.labels).toMatchObject(selector);
      const service = specOf<ServiceSpec>(findObject(objects, 'Service', name(component)));
      expect(service.selector).toEqual(selector);
      expect(service.ports).toMatchObject([{ name: 'http', targetPort: 'http' }]);
      const pdb = findObject(objects, 'PodDisruptionBudget', name(component));
      expect(pdb.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: selector } });
    }
    const without = await renderChart({
      set: ['web.enabled=false', 'api.podDisruptionBudget.enabled=false'],
    });
    expect(without.filter((o) => o.metadata.name === name('web'))).toEqual([]);
    expect(
      without.filter((o) => o.kind === 'PodDisruptionBudget').map((o) => o.metadata.name),
    ).toEqual([name('operator')]);
  });
});

describe('RBAC', () => {
  it('grants the operator exactly the least-privilege rules, cluster-wide by default', async () => {
    const objects = await renderChart();
    const roles = objects.filter((o) => o.kind === 'ClusterRole' || o.kind === 'Role');
    expect(roles.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'ClusterRole/hmm-rel-hmmtrade-operator',
      'Role/rel-hmmtrade-operator-leader-election',
    ]);
    expect(flattenRules(findObject(objects, 'ClusterRole', 'hmm-rel-hmmtrade-operator'))).toEqual(
      botRules,
    );
    const leases = findObject(objects, 'Role', 'rel-hmmtrade-operator-leader-election');
    expect(leases.metadata.namespace).toBe('hmm');
    expect(flattenRules(leases)).toEqual(leaseRules);

    const operatorSubject = [
      { kind: 'ServiceAccount', name: 'rel-hmmtrade-operator', namespace: 'hmm' },
    ];
    const binding = findObject(objects, 'ClusterRoleBinding', 'hmm-rel-hmmtrade-operator');
    expect(binding.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: 'hmm-rel-hmmtrade-operator',
    });
    expect(binding.subjects).toEqual(operatorSubject);
    const leaseBinding = findObject(
      objects,
      'RoleBinding',
      'rel-hmmtrade-operator-leader-election',
    );
    expect(leaseBinding.roleRef).toMatchObject({ kind: 'Role', name: leases.metadata.name });
    expect(leaseBinding.subjects).toEqual(operatorSubject);
  });

  it('narrows the operator to a Role in watchNamespace when it is set', async () => {
    const objects = await renderChart({ set: ['watchNamespace=bots'] });
    expect(objects.filter((o) => o.kind.startsWith('Cluster') && o.kind !== 'ClusterRole')).toEqual(
      [],
    );
    expect(objects.filter((o) => o.kind === 'ClusterRole')).toEqual([]);
    const role = findObject(objects, 'Role', 'rel-hmmtrade-operator');
    expect(role.metadata.namespace).toBe('bots');
    expect(flattenRules(role)).toEqual(botRules);
    const binding = findObject(objects, 'RoleBinding', 'rel-hmmtrade-operator');
    expect(binding.metadata.namespace).toBe('bots');
    expect(binding.roleRef).toMatchObject({ kind: 'Role', name: 'rel-hmmtrade-operator' });
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: 'rel-hmmtrade-operator', namespace: 'hmm' },
    ]);
    const leases = findObject(objects, 'Role', 'rel-hmmtrade-operator-leader-election');
    expect(leases.metadata.namespace).toBe('hmm');
    expect(flattenRules(leases)).toEqual(leaseRules);
  });
});

describe('NetworkPolicy', () => {
  const ports = (rules: NetworkPolicySpec['egress']): string[] =>
    rules.flatMap((r) => (r.ports ?? []).map((p) => `${String(p.port)}/${p.protocol}`)).sort();

  it('lets the operator and the api reach only what they need, and bots anything', async () => {
    const objects = await renderChart();
    const policy = (suffix: string): NetworkPolicySpec =>
      specOf<NetworkPolicySpec>(findObject(objects, 'NetworkPolicy', name(suffix)));
    for (const component of components) {
      const spec = policy(component);
      expect(spec.policyTypes).toEqual(['Ingress', 'Egress']);
      expect(spec.podSelector.matchLabels['app.kubernetes.io/component']).toBe(component);
      expect(spec.ingress).toEqual([{ ports: [{ port: 'http', protocol: 'TCP' }] }]);
      // Every egress rule names its ports: no allow-all.
      for (const rule of spec.egress) expect(rule.ports, component).toBeDefined();
    }
    expect(ports(policy('operator').egress)).toEqual(
      ['443/TCP', '5432/TCP', '53/TCP', '53/UDP', '6443/TCP'].sort(),
    );
    expect(ports(policy('api').egress)).toEqual(['443/TCP', '5432/TCP', '53/TCP', '53/UDP'].sort());
    const webEgress = policy('web').egress;
    expect(ports(webEgress)).toEqual(['53/TCP', '53/UDP', 'http/TCP']);
    expect(webEgress[1]?.to).toEqual([
      { podSelector: { matchLabels: policy('api').podSelector.matchLabels } },
    ]);
    // Bots: egress anywhere, no ingress at all.
    expect(policy('bots')).toEqual({
      podSelector: {
        matchLabels: { 'app.kubernetes.io/managed-by': 'hmmtrade-operator' },
        matchExpressions: [{ key: 'hmmtrade.io/bot-id', operator: 'Exists' }],
      },
      policyTypes: ['Ingress', 'Egress'],
      egress: [{}],
    });
  });

  it('pins Postgres and the Kubernetes API to CIDRs and puts the bot policy in watchNamespace', async () => {
    const objects = await renderChart({
      set: [
        'watchNamespace=bots',
        'networkPolicy.database.cidrs={10.1.0.0/16}',
        'networkPolicy.kubeApiServer.cidrs={172.20.0.1/32}',
      ],
    });
    const egress = specOf<NetworkPolicySpec>(
      findObject(objects, 'NetworkPolicy', name('operator')),
    ).egress;
    expect(egress).toContainEqual({
      ports: [{ port: 5432, protocol: 'TCP' }],
      to: [{ ipBlock: { cidr: '10.1.0.0/16' } }],
    });
    expect(egress).toContainEqual({
      ports: [
        { port: 443, protocol: 'TCP' },
        { port: 6443, protocol: 'TCP' },
      ],
      to: [{ ipBlock: { cidr: '172.20.0.1/32' } }],
    });
    expect(findObject(objects, 'NetworkPolicy', name('bots')).metadata.namespace).toBe('bots');
    const off = await renderChart({ set: ['networkPolicy.enabled=false'] });
    expect(off.filter((o) => o.kind === 'NetworkPolicy')).toEqual([]);
  });
});

describe('ServiceMonitor', () => {
  const monitoringApi = 'monitoring.coreos.com/v1/ServiceMonitor';
  const monitors = (objects: KubeObject[]): KubeObject[] =>
    objects.filter((o) => o.kind === 'ServiceMonitor');

  it('is rendered only when enabled and the cluster serves the ServiceMonitor API', async () => {
    expect(monitors(await renderChart({ apiVersions: [monitoringApi] }))).toEqual([]);
    expect(monitors(await renderChart({ set: ['metrics.serviceMonitor.enabled=true'] }))).toEqual(
      [],
    );
    const objects = await renderChart({
      set: ['metrics.serviceMonitor.enabled=true', 'metrics.serviceMonitor.labels.release=prom'],
      apiVersions: [monitoringApi],
    });
    expect(monitors(objects).map((o) => o.metadata.name)).toEqual([name('operator'), name('api')]);
    for (const component of ['operator', 'api']) {
      const monitor = findObject(objects, 'ServiceMonitor', name(component));
      expect(monitor.metadata.labels?.release).toBe('prom');
      const service = specOf<ServiceSpec>(findObject(objects, 'Service', name(component)));
      expect(monitor.spec).toMatchObject({ selector: { matchLabels: service.selector } });
      expect(monitor.spec).toMatchObject({
        endpoints: [{ port: 'http', path: '/metrics', interval: '30s', scrapeTimeout: '10s' }],
      });
    }
  });
});

describe('the TradingBot CRD', () => {
  it('is the generated CRD plus helm.sh/resource-policy: keep', async () => {
    const objects = await renderChart();
    const rendered = findObject(objects, 'CustomResourceDefinition', 'tradingbots.hmmtrade.io');
    const generated = parse(
      await readFile(join(repoRoot, GENERATED_CRD_PATH), 'utf8'),
    ) as KubeObject;
    expect(rendered.metadata.annotations).toEqual({ [RESOURCE_POLICY_ANNOTATION]: 'keep' });
    const { annotations: _kept, ...metadata } = rendered.metadata;
    expect({ ...rendered, metadata }).toEqual(generated);
  });

  it('can be left out with crds.install=false', async () => {
    const objects = await renderChart({ set: ['crds.install=false'] });
    expect(objects.filter((o) => o.kind === 'CustomResourceDefinition')).toEqual([]);
  });
});

describe('values.schema.json', () => {
  const rejected: { name: string; set: string; error: string }[] = [
    {
      name: 'a string replicaCount',
      set: 'api.replicaCount=two',
      error: "at '/api/replicaCount': got string, want integer",
    },
    {
      name: 'an unknown key',
      set: 'api.replicas=2',
      error: "at '/api': additional properties 'replicas' not allowed",
    },
    {
      name: 'a secret value in values',
      set: 'database.password=hunter2',
      error: "at '/database': additional properties 'password' not allowed",
    },
    {
      name: 'an unknown runtime',
      set: 'operator.runtime=docker',
      error: "at '/operator/runtime': value must be one of 'kubernetes', 'fake'",
    },
    {
      name: 'an unknown log level',
      set: 'logLevel=verbose',
      error: "at '/logLevel': value must be one of",
    },
    {
      name: 'AWS KMS without a key id',
      set: 'kms.provider=aws',
      error: "at '/kms/aws/keyId': minLength: got 0, want 1",
    },
    {
      name: 'a writable root filesystem',
      set: 'containerSecurityContext.readOnlyRootFilesystem=false',
      error: "at '/containerSecurityContext/readOnlyRootFilesystem': value must be true",
    },
    { name: 'a bad watchNamespace', set: 'watchNamespace=Bots_NS', error: "at '/watchNamespace'" },
    {
      name: 'a Node flag that is not one',
      set: 'operator.nodeFlags={rm -rf}',
      error: "at '/operator/nodeFlags/0': 'rm -rf' does not match pattern",
    },
    {
      name: 'a port out of range',
      set: 'api.port=70000',
      error: "at '/api/port': maximum: got 70,000, want 65,535",
    },
  ];

  it.each(rejected)('rejects $name with helm’s schema error', async ({ set, error }) => {
    const result = await templateChart({ set: [set] });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("values don't meet the specifications of the schema(s)");
    expect(result.stderr).toContain(error);
  });

  it('rejects a string replicaCount even when it looks like a number', async () => {
    const result = await runHelm([
      'template',
      'rel',
      chartDir,
      '--set-string',
      'operator.replicaCount=2',
    ]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("at '/operator/replicaCount': got string, want integer");
  });
});
