import { randomBytes, randomUUID } from 'node:crypto';
import { kmsErrors } from './kms-sim-errors.ts';

/** The key states the simulator models (a subset of KMS's). */
export type SimKeyState = 'Enabled' | 'Disabled' | 'PendingDeletion';

/** One symmetric KMS key: its identity, state and the 32 bytes of material it encrypts with. */
export interface SimKey {
  readonly keyId: string;
  readonly arn: string;
  readonly material: Buffer;
  readonly description: string;
  readonly creationDate: Date;
  state: SimKeyState;
  deletionDate: Date | undefined;
}

/** The keys and aliases of one simulated account in one region. */
export interface KeyStore {
  readonly region: string;
  readonly accountId: string;
  create(description?: string): SimKey;
  /** Resolves a key id, key ARN, alias name or alias ARN; NotFoundException when nothing matches. */
  resolve(keyIdOrAlias: string, options?: { allowAlias?: boolean }): SimKey;
  /** The key a ciphertext blob names, if it exists. */
  byId(keyId: string): SimKey | undefined;
  /** Throws DisabledException / KMSInvalidStateException unless the key may be used. */
  requireUsable(key: SimKey): void;
  createAlias(aliasName: string, targetKeyId: string): void;
  updateAlias(aliasName: string, targetKeyId: string): void;
  aliases(keyId?: string): { AliasName: string; AliasArn: string; TargetKeyId: string }[];
  metadata(key: SimKey): Record<string, unknown>;
}

const KEY_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ALIAS_NAME = /^alias\/[a-zA-Z0-9/_-]{1,250}$/;

/** An empty key store for `region` and `accountId`. */
export function createKeyStore(region: string, accountId: string): KeyStore {
  const keys = new Map<string, SimKey>();
  const aliasTargets = new Map<string, string>();
  const arnPrefix = `arn:aws:kms:${region}:${accountId}:`;

  const notFound = (what: string): Error => kmsErrors.notFound(`${what} is not found.`);

  const resolve = (input: string, options: { allowAlias?: boolean } = {}): SimKey => {
    const allowAlias = options.allowAlias ?? true;
    let id = input;
    if (input.startsWith('arn:')) {
      if (!input.startsWith(arnPrefix)) throw notFound(`Key '${input}'`);
      id = input.slice(arnPrefix.length);
      if (id.startsWith('key/')) id = id.slice('key/'.length);
      else if (!id.startsWith('alias/')) throw kmsErrors.notFound(`Invalid arn ${input}`);
    }
    if (id.startsWith('alias/')) {
      if (!allowAlias) throw kmsErrors.notFound(`Invalid keyId ${input}: use a key id or key ARN`);
      const target = aliasTargets.get(id);
      if (target === undefined) throw notFound(`Alias ${arnPrefix}${id}`);
      id = target;
    }
    if (!KEY_ID.test(id)) throw kmsErrors.notFound(`Invalid keyId ${input}`);
    const key = keys.get(id);
    if (!key) throw notFound(`Key '${arnPrefix}key/${id}'`);
    return key;
  };

  const checkAliasName = (aliasName: string): void => {
    if (!ALIAS_NAME.test(aliasName) || aliasName.startsWith('alias/aws/')) {
      throw kmsErrors.invalidAliasName(
        'AliasName must begin with alias/, must not begin with alias/aws/ and may contain only ' +
          'letters, digits, /, _ and -',
      );
    }
  };

  return {
    region,
    accountId,
    create(description = '') {
      const keyId = randomUUID();
      const key: SimKey = {
        keyId,
        arn: `${arnPrefix}key/${keyId}`,
        material: randomBytes(32),
        description,
        creationDate: new Date(),
        state: 'Enabled',
        deletionDate: undefined,
      };
      keys.set(keyId, key);
      return key;
    },
    resolve,
    byId: (keyId) => keys.get(keyId),
    requireUsable(key) {
      if (key.state === 'Disabled') throw kmsErrors.disabled(`${key.arn} is disabled.`);
      if (key.state === 'PendingDeletion') {
        throw kmsErrors.invalidState(`${key.arn} is pending deletion.`);
      }
    },
    createAlias(aliasName, targetKeyId) {
      checkAliasName(aliasName);
      if (aliasTargets.has(aliasName)) {
        throw kmsErrors.alreadyExists(
          `An alias with the name ${arnPrefix}${aliasName} already exists`,
        );
      }
      aliasTargets.set(aliasName, resolve(targetKeyId, { allowAlias: false }).keyId);
    },
    updateAlias(aliasName, targetKeyId) {
      checkAliasName(aliasName);
      if (!aliasTargets.has(aliasName)) throw notFound(`Alias ${arnPrefix}${aliasName}`);
      aliasTargets.set(aliasName, resolve(targetKeyId, { allowAlias: false }).keyId);
    },
    aliases(keyId) {
      const wanted = keyId === undefined ? undefined : resolve(keyId, { allowAlias: false }).keyId;
      return [...aliasTargets]
        .filter(([, target]) => wanted === undefined || target === wanted)
        .map(([name, target]) => ({
          AliasName: name,
          AliasArn: `${arnPrefix}${name}`,
          TargetKeyId: target,
        }));
    },
    metadata(key) {
      return {
        AWSAccountId: accountId,
        KeyId: key.keyId,
        Arn: key.arn,
        CreationDate: key.creationDate.getTime() / 1000,
        Enabled: key.state === 'Enabled',
        Description: key.description,
        KeyUsage: 'ENCRYPT_DECRYPT',
        KeyState: key.state,
        ...(key.deletionDate ? { DeletionDate: key.deletionDate.getTime() / 1000 } : {}),
        Origin: 'AWS_KMS',
        KeyManager: 'CUSTOMER',
        CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT',
        KeySpec: 'SYMMETRIC_DEFAULT',
        EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
        MultiRegion: false,
      };
    },
  };
}
