import { readFileSync } from 'node:fs';

/** Versions of the envtest binaries, from versions.env (the file build.sh sources). */
export interface EnvtestVersions {
  readonly k8s: string;
  readonly etcd: string;
  readonly helm: string;
}

const versionsFile = new URL('./versions.env', import.meta.url);

/** Parses the KEY=value lines of versions.env; throws naming the key that is missing. */
export function parseVersions(text: string): EnvtestVersions {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^([A-Z0-9_]+)=(\S+)\s*$/.exec(line.trim());
    if (match?.[1] !== undefined && match[2] !== undefined) values.set(match[1], match[2]);
  }
  const get = (key: string): string => {
    const value = values.get(key);
    if (value === undefined) throw new Error(`${key} missing from testkit/envtest/versions.env`);
    return value;
  };
  return { k8s: get('K8S_VERSION'), etcd: get('ETCD_VERSION'), helm: get('HELM_VERSION') };
}

export const envtestVersions: EnvtestVersions = parseVersions(readFileSync(versionsFile, 'utf8'));

/** The cache key build.sh uses: `<k8s>-<etcd>-<helm>`. */
export const envtestCacheKey = `${envtestVersions.k8s}-${envtestVersions.etcd}-${envtestVersions.helm}`;
