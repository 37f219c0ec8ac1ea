import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  createMachineTokens,
  generateMachineSigningKey,
  type MachineTokens,
} from '@hmmtrade/api/machine-tokens';
import { StartupError } from '@hmmtrade/platform';

/** Where the machine JWT signing key lives under a data directory. */
export function machineKeyPath(dataDir: string): string {
  return join(dataDir, 'secrets', 'machine-jwt-key.json');
}

/**
 * The machine-token issuer of this installation: its ES256 key is read from `keyFile`
 * (created 0600 on first use), so the API and the operator of one install sign and verify alike.
 */
export async function loadMachineTokens(keyFile: string, issuer: string): Promise<MachineTokens> {
  let raw: string;
  try {
    raw = readFileSync(keyFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new StartupError(
        `cannot read the machine JWT key ${keyFile}: ${(error as Error).message}`,
      );
    }
    mkdirSync(dirname(keyFile), { recursive: true, mode: 0o700 });
    raw = JSON.stringify(await generateMachineSigningKey());
    writeFileSync(keyFile, raw, { mode: 0o600, flag: 'wx' });
    chmodSync(keyFile, 0o600);
  }
  try {
    return await createMachineTokens({ signingKeys: [JSON.parse(raw) as object], issuer });
  } catch (error) {
    throw new StartupError(
      `the machine JWT key ${keyFile} is not a valid ES256 private JWK: ${(error as Error).message}`,
    );
  }
}
