/** What a kubeconfig for one envtest apiserver needs. */
export interface KubeconfigInput {
  readonly server: string;
  readonly caPem: string;
  readonly token: string;
}

/** A kubeconfig (YAML) with one cluster, one token user and one current context, all `envtest`. */
export function renderKubeconfig(input: KubeconfigInput): string {
  const ca = Buffer.from(input.caPem, 'utf8').toString('base64');
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '  - name: envtest',
    '    cluster:',
    `      server: ${input.server}`,
    `      certificate-authority-data: ${ca}`,
    'users:',
    '  - name: envtest-admin',
    '    user:',
    `      token: ${input.token}`,
    'contexts:',
    '  - name: envtest',
    '    context:',
    '      cluster: envtest',
    '      user: envtest-admin',
    '      namespace: default',
    'current-context: envtest',
    '',
  ].join('\n');
}
