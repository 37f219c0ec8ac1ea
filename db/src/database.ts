import type { ApiTokensTable } from './tables/api-tokens.table.ts';
import type { AuditLogTable } from './tables/audit-log.table.ts';
import type { BotEventsTable } from './tables/bot-events.table.ts';
import type { BotLogLinesTable } from './tables/bot-log-lines.table.ts';
import type { BotsTable } from './tables/bots.table.ts';
import type { BrokerConnectionsTable } from './tables/broker-connections.table.ts';
import type { OperatorLeasesTable } from './tables/operator-leases.table.ts';
import type { SessionsTable } from './tables/sessions.table.ts';
import type { StripeEventsTable } from './tables/stripe-events.table.ts';
import type { SubscriptionsTable } from './tables/subscriptions.table.ts';
import type { UsersTable } from './tables/users.table.ts';

/** Every table the control plane and the operator use, for `Kysely<Database>`. */
export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  broker_connections: BrokerConnectionsTable;
  bots: BotsTable;
  bot_log_lines: BotLogLinesTable;
  bot_events: BotEventsTable;
  subscriptions: SubscriptionsTable;
  stripe_events: StripeEventsTable;
  audit_log: AuditLogTable;
  operator_leases: OperatorLeasesTable;
}
