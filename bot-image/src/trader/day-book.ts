import type { EmitEvent } from './trader-events.ts';

/** Today's numbers, as the risk gates and the daily summary need them. */
export interface DayState {
  date: string;
  startEquity: number;
  trades: number;
  rejections: number;
}

/** Tracks the trading day and reports each finished one as a `daily_summary` event. */
export interface DayBook {
  /**
   * Called on every bar with its day (in the market's time zone) and the equity before the bar
   * traded. On a new day the previous one is summarised and the new one starts from
   * `lastEquity`: the equity the previous bar left, or `equity` on the first bar.
   */
  roll(date: string, equity: number): DayState;
  recordTrade(): void;
  recordRejection(): void;
  /** Remembers the latest equity, the closing figure of the day's summary. */
  markEquity(equity: number): void;
  /** Summarises the current day early (when the trader stops); nothing when none began. */
  close(extra: Record<string, unknown>): void;
  current(): DayState | null;
}

export function createDayBook(emit: EmitEvent, extra: () => Record<string, unknown>): DayBook {
  let day: DayState | null = null;
  let lastEquity: number | null = null;
  const summarise = (state: DayState, more: Record<string, unknown>) => {
    const endEquity = lastEquity ?? state.startEquity;
    const pnl = endEquity - state.startEquity;
    emit('daily_summary', {
      date: state.date,
      startEquity: round(state.startEquity),
      endEquity: round(endEquity),
      pnl: round(pnl),
      returnPct: state.startEquity > 0 ? round((pnl / state.startEquity) * 100, 4) : 0,
      trades: state.trades,
      rejections: state.rejections,
      ...extra(),
      ...more,
    });
  };
  return {
    roll(date, equity) {
      if (day === null || day.date !== date) {
        if (day !== null) summarise(day, {});
        day = { date, startEquity: lastEquity ?? equity, trades: 0, rejections: 0 };
      }
      lastEquity = equity;
      return day;
    },
    recordTrade: () => void (day !== null && (day.trades += 1)),
    recordRejection: () => void (day !== null && (day.rejections += 1)),
    markEquity: (equity) => void (lastEquity = equity),
    close(more) {
      if (day !== null) summarise(day, { partial: true, ...more });
      day = null;
    },
    current: () => day,
  };
}

function round(value: number, decimals = 2): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
