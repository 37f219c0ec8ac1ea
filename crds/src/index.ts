export {
  API_VERSION,
  BOT_EVENT_TYPES,
  BOT_ID_LABEL,
  BROKER_KINDS,
  CATEGORIES,
  CRD_NAME,
  FINALIZER,
  GROUP,
  KIND,
  MODES,
  PLURAL,
  SHORT_NAMES,
  SINGULAR,
  VERSION,
} from './trading-bot.constants.ts';
export {
  BackendReason,
  CONDITION_STATUSES,
  CONDITION_TYPES,
  ConditionReason,
  ConfigSyncedReason,
  CredentialsReason,
  EntitledReason,
  REASON_PATTERN,
  ReadyReason,
  conditionSchema,
} from './conditions.schema.ts';
export type { Condition, ConditionStatus, ConditionType } from './conditions.schema.ts';
export {
  ASSET_CLASSES,
  COVARIANCE_TYPES,
  DEFAULT_ROUTING,
  HMM_FEATURES,
  MAX_SYMBOLS,
  REGIME_LABEL_PATTERN,
  STRATEGIES,
  SYMBOL_PATTERN,
  TIMEFRAMES,
  hmmSchema,
  profileSchema,
  riskSchema,
  routingSchema,
} from './profile.schema.ts';
export {
  BACKENDS,
  DEFAULT_IMAGE,
  SCHEDULES,
  brokerSchema,
  resourcesSchema,
  runtimeSchema,
  secretRefSchema,
  tradingBotSpecSchema,
} from './spec.schema.ts';
export type { Backend, Schedule, TradingBotSpec, TradingBotSpecInput } from './spec.schema.ts';
export {
  BOT_PHASES,
  regimeStatusSchema,
  runtimeStatusSchema,
  tradingBotStatusSchema,
} from './status.schema.ts';
export type { BotPhase, TradingBotStatus } from './status.schema.ts';
export { objectMetaSchema, tradingBotSchema } from './trading-bot.schema.ts';
export type { TradingBot, TradingBotInput } from './trading-bot.schema.ts';
export { crossFieldRules } from './cross-field.rules.ts';
export type { CrossFieldRule, RuleScope } from './cross-field.rules.ts';
export {
  formatIssues,
  formatPath,
  validateTradingBot,
  validateTradingBotSpec,
} from './trading-bot.validation.ts';
export type {
  SpecValidationResult,
  TradingBotValidationResult,
  ValidationIssue,
} from './trading-bot.validation.ts';
export { buildTradingBotCrd, buildTradingBotOpenApiSchema } from './crd.ts';
export type { CustomResourceDefinition, PrinterColumn, ValidationRule } from './crd.ts';
export type { JsonSchemaNode } from './structural-schema.ts';
export { CRD_YAML_PATH, renderCrdYaml } from './crd-yaml.ts';
