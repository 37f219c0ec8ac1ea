import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** PEM files for one envtest apiserver, all inside the directory handed to writeCertificates. */
export interface EnvtestCertificates {
  /** The CA that signed the serving certificate; the kubeconfig trusts it. */
  readonly caFile: string;
  readonly caPem: string;
  /** Serving certificate for 127.0.0.1 and localhost, and its key. */
  readonly certFile: string;
  readonly keyFile: string;
  /** Private key that signs and verifies service-account tokens. */
  readonly serviceAccountKeyFile: string;
}

/** Runs the openssl CLI; its stderr goes into the error when it fails. */
async function openssl(dir: string, args: string[]): Promise<void> {
  try {
    await run('openssl', args, { cwd: dir });
  } catch (error) {
    const detail = (error as { stderr?: string }).stderr ?? String(error);
    throw new Error(`openssl ${args[0] ?? ''} failed: ${detail.trim()}`, { cause: error });
  }
}

/** A throwaway CA, a serving certificate signed by it and a service-account key (openssl CLI). */
export async function writeCertificates(dir: string): Promise<EnvtestCertificates> {
  const ec = '-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2';
  const ca = `req -x509 ${ec} -keyout ca.key -out ca.crt -subj /CN=hmmtrade-envtest-ca`;
  await openssl(dir, [
    ...ca.split(' '),
    ...['-addext', 'basicConstraints=critical,CA:TRUE'],
    ...['-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
  ]);
  const serving = `req -x509 ${ec} -keyout apiserver.key -out apiserver.crt -subj /CN=kube-apiserver`;
  await openssl(dir, [
    ...serving.split(' '),
    ...['-CA', 'ca.crt', '-CAkey', 'ca.key'],
    ...['-addext', 'basicConstraints=critical,CA:FALSE'],
    ...['-addext', 'keyUsage=critical,digitalSignature'],
    ...['-addext', 'extendedKeyUsage=serverAuth'],
    ...['-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'],
  ]);
  await openssl(dir, 'genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out sa.key'.split(' '));
  const caFile = join(dir, 'ca.crt');
  return {
    caFile,
    caPem: await readFile(caFile, 'utf8'),
    certFile: join(dir, 'apiserver.crt'),
    keyFile: join(dir, 'apiserver.key'),
    serviceAccountKeyFile: join(dir, 'sa.key'),
  };
}

/** A static token file (`token,user,uid,"groups"`) making `admin` a member of system:masters. */
export async function writeTokenFile(file: string, token: string): Promise<void> {
  await writeFile(file, `${token},admin,admin,"system:masters"\n`, { mode: 0o600 });
}
