import { createHash } from 'node:crypto';
import { BOT_ID_LABEL } from '@hmmtrade/crds';
import type { V1ObjectMeta } from '@kubernetes/client-node';

export { BOT_ID_LABEL };

/** Label every object this runtime makes carries, and the selector `list` uses. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'hmmtrade-operator';
export const MANAGED_SELECTOR = `${MANAGED_BY_LABEL}=${MANAGED_BY}`;

/** The config hash and spec generation an object was made from (pod and Secret). */
export const CONFIG_HASH_ANNOTATION = 'hmmtrade.io/config-hash';
export const GENERATION_ANNOTATION = 'hmmtrade.io/generation';
export const REGION_ANNOTATION = 'hmmtrade.io/region';
/** On the Secret: `running` or `stopped`, what the bot's pod should be doing. */
export const DESIRED_STATE_ANNOTATION = 'hmmtrade.io/desired-state';
/** On the Secret: the desired instance without env (JSON), to rebuild the pod on `start`. */
export const INSTANCE_ANNOTATION = 'hmmtrade.io/instance';
/** On the Secret: restarts of earlier pods of the bot, added to the current pod's count. */
export const RESTARTS_ANNOTATION = 'hmmtrade.io/restarts';

/** Name of the one container of a bot pod. */
export const BOT_CONTAINER = 'bot';

/** The TradingBot (or other object) that owns a bot's pod and Secret. */
export interface BotOwner {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const MAX_NAME = 63;

/**
 * The name of the bot's pod and Secret: `bot-<id>` when that is a DNS label (uuids are), else a
 * slug of the id plus a digest of it, so any id maps to one stable DNS-safe name.
 */
export function objectName(botId: string): string {
  const plain = `bot-${botId}`;
  if (plain.length <= MAX_NAME && DNS_LABEL.test(botId)) return plain;
  const digest = createHash('sha256').update(botId).digest('hex').slice(0, 10);
  const slug = botId
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, MAX_NAME - 'bot-'.length - digest.length - 1)
    .replace(/^-+|-+$/g, '');
  return slug ? `bot-${slug}-${digest}` : `bot-${digest}`;
}

/** Metadata shared by a bot's pod and Secret. */
export function botMetadata(
  botId: string,
  owner: BotOwner | undefined,
  annotations: Record<string, string>,
): V1ObjectMeta {
  const meta: V1ObjectMeta = {
    name: objectName(botId),
    labels: { [BOT_ID_LABEL]: botId, [MANAGED_BY_LABEL]: MANAGED_BY },
    annotations,
  };
  // Same namespace only: an owner the GC cannot find in the pod's namespace deletes the pod.
  if (owner) meta.ownerReferences = [{ ...owner, controller: true }];
  return meta;
}

/** The bot id of an object this runtime manages, or undefined when it is not one of ours. */
export function managedBotId(meta: V1ObjectMeta | undefined): string | undefined {
  const labels = meta?.labels ?? {};
  return labels[MANAGED_BY_LABEL] === MANAGED_BY ? labels[BOT_ID_LABEL] : undefined;
}
