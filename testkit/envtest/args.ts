import { join } from 'node:path';
import type { EnvtestCertificates } from './certs.ts';

/** Flags of a single-member etcd on loopback with its data in `<dir>/etcd`. */
export function etcdArgs(dir: string, clientUrl: string, peerUrl: string): string[] {
  return [
    '--name=envtest',
    `--data-dir=${join(dir, 'etcd')}`,
    `--listen-client-urls=${clientUrl}`,
    `--advertise-client-urls=${clientUrl}`,
    `--listen-peer-urls=${peerUrl}`,
    `--initial-advertise-peer-urls=${peerUrl}`,
    `--initial-cluster=envtest=${peerUrl}`,
    '--initial-cluster-state=new',
    // A test cluster's data is thrown away: durability only costs time.
    '--unsafe-no-fsync=true',
    '--log-level=warn',
  ];
}

/** What the apiserver flags are made of. */
export interface ApiserverInput {
  readonly dir: string;
  readonly certs: EnvtestCertificates;
  readonly etcdUrl: string;
  readonly server: string;
  readonly port: number;
}

/** Flags of kube-apiserver: token auth, RBAC, service-account keys, TLS from `certs`. */
export function apiserverArgs({ dir, certs, etcdUrl, server, port }: ApiserverInput): string[] {
  return [
    `--etcd-servers=${etcdUrl}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    // The endpoint reconciler refuses a loopback advertise address; nothing here needs it.
    '--endpoint-reconciler-type=none',
    `--secure-port=${String(port)}`,
    `--cert-dir=${join(dir, 'pki')}`,
    `--tls-cert-file=${certs.certFile}`,
    `--tls-private-key-file=${certs.keyFile}`,
    `--token-auth-file=${join(dir, 'pki', 'tokens.csv')}`,
    // Only the token authenticates: a request without one is 401, not system:anonymous.
    '--anonymous-auth=false',
    '--authorization-mode=RBAC',
    `--service-account-issuer=${server}`,
    `--service-account-key-file=${certs.serviceAccountKeyFile}`,
    `--service-account-signing-key-file=${certs.serviceAccountKeyFile}`,
    `--api-audiences=${server}`,
    // No controller-manager creates default ServiceAccounts, so this plugin would refuse pods.
    '--disable-admission-plugins=ServiceAccount',
    // Only a setting: nothing here routes to it.
    '--service-cluster-ip-range=10.0.0.0/24',
    '--allow-privileged=true',
    '--profiling=false',
  ];
}
