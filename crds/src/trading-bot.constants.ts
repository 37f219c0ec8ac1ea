/** API group of every hmmtrade custom resource. */
export const GROUP = 'hmmtrade.io';
/** The one served and stored version of TradingBot. */
export const VERSION = 'v1alpha1';
/** `apiVersion` field of a TradingBot object. */
export const API_VERSION = `${GROUP}/${VERSION}` as const;
export const KIND = 'TradingBot';
export const PLURAL = 'tradingbots';
export const SINGULAR = 'tradingbot';
export const SHORT_NAMES = ['tb'] as const;
export const CATEGORIES = ['hmmtrade'] as const;
/** Name of the CustomResourceDefinition: `<plural>.<group>`. */
export const CRD_NAME = `${PLURAL}.${GROUP}` as const;

/** Finalizer the operator keeps on a TradingBot until its runtime is destroyed. */
export const FINALIZER = 'hmmtrade.io/finalizer';
/** Label carrying the bot id on every machine, pod and process the operator manages. */
export const BOT_ID_LABEL = 'hmmtrade.io/bot-id';

/** Whether a bot trades with paper or real money. */
export const MODES = ['paper', 'live'] as const;
/** Where a bot's orders go: alpaca (the real broker API) or sim (offline data and fills). */
export const BROKER_KINDS = ['alpaca', 'sim'] as const;

/**
 * The structured events a bot reports and the control plane stores (DESIGN §6): the API's
 * ingest contract and the supervisor's trader-output parser both take them from here.
 */
export const BOT_EVENT_TYPES = [
  'regime_change',
  'order',
  'fill',
  'rejection',
  'heartbeat',
  'daily_summary',
  'lifecycle',
] as const;
