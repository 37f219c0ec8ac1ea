/**
 * The channel the bots table NOTIFYs with a bot id on insert, delete, and spec / deletion /
 * owner changes (see migration 0001). The operator LISTENs on it to wake its queue.
 */
export const BOT_CHANGES_CHANNEL = 'hmmtrade_bot_changes';
