import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { KMSClient } from '@aws-sdk/client-kms';
import {
  addLocalMasterKey,
  createAwsKmsProvider,
  createLocalKmsProvider,
  LOCAL_CURRENT_KEY,
  type BrokerKms,
} from '@hmmtrade/api';
import type { CliConfig } from '../config.ts';

/**
 * Where broker credentials are wrapped: AWS KMS when `KMS_KEY_ID` is set (region and
 * credentials from the usual AWS environment), else a local master key under
 * `<dataDir>/secrets/kms` (created on first use, 0600).
 */
export async function createBrokerKms(config: CliConfig): Promise<BrokerKms> {
  if (config.kms.keyId) {
    const client = new KMSClient({
      ...(config.kms.region ? { region: config.kms.region } : {}),
      ...(config.kms.endpoint ? { endpoint: config.kms.endpoint } : {}),
      maxAttempts: 3,
    });
    return { provider: createAwsKmsProvider({ client }), keyId: config.kms.keyId };
  }
  const dir = join(config.dataDir, 'secrets', 'kms');
  if (!hasKeys(dir)) await addLocalMasterKey(dir);
  return {
    provider: await createLocalKmsProvider({ masterKeyDir: dir }),
    keyId: LOCAL_CURRENT_KEY,
  };
}

function hasKeys(dir: string): boolean {
  try {
    return readdirSync(dir).some((name) => name.endsWith('.key'));
  } catch {
    return false;
  }
}
