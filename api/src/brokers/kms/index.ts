export {
  KmsRejectedError,
  KmsUnavailableError,
  type EncryptionContext,
  type GeneratedDataKey,
  type KmsProvider,
} from './kms-provider.ts';
export { canonicalEncryptionContext, checkEncryptionContext } from './encryption-context.ts';
export {
  createAwsKmsProvider,
  mapAwsKmsError,
  type AwsKmsProviderDeps,
} from './aws-kms-provider.ts';
export {
  createLocalKmsProvider,
  LOCAL_CURRENT_KEY,
  type LocalKmsProvider,
  type LocalKmsProviderOptions,
} from './local-kms-provider.ts';
export { addLocalMasterKey } from './local-master-keys.ts';
export {
  openSecret,
  rewrapEnvelope,
  sealSecret,
  SecretIntegrityError,
  type Envelope,
} from './envelope.ts';
