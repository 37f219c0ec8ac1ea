import type { Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { NullableTimestamp, Timestamp } from './column-types.ts';

/**
 * A user's broker account. Credentials are envelope-encrypted (DESIGN §7): AES-256-GCM
 * `ciphertext` with `iv` and `auth_tag`, under a data key stored only as `encrypted_data_key`
 * (wrapped by KMS key `kms_key_id`, version `key_version`). `sim` connections hold no secret,
 * so their envelope columns are null (a check constraint enforces all-or-nothing).
 */
export interface BrokerConnectionsTable {
  id: Generated<string>;
  user_id: string;
  kind: 'alpaca' | 'sim';
  environment: 'paper' | 'live';
  label: string;
  ciphertext: Buffer | null;
  encrypted_data_key: Buffer | null;
  iv: Buffer | null;
  auth_tag: Buffer | null;
  kms_key_id: string | null;
  key_version: number | null;
  verified_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type BrokerConnection = Selectable<BrokerConnectionsTable>;
export type NewBrokerConnection = Insertable<BrokerConnectionsTable>;
export type BrokerConnectionUpdate = Updateable<BrokerConnectionsTable>;
