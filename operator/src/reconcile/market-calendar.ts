/**
 * The NYSE trading calendar that decides when `market-hours` bots sleep (DESIGN §3, §4). Pure:
 * every answer is a function of the `now` passed in. US DST is computed arithmetically (second
 * Sunday of March 02:00 → first Sunday of November 02:00), so no time-zone database is involved.
 */

/** A session: when the regular market opens and closes (UTC instants). */
export interface MarketSession {
  open: Date;
  close: Date;
  /** True on an early-close day (13:00 ET instead of 16:00 ET). */
  early: boolean;
}

/** Market-hours questions; `now` is always passed in, never read from the clock. */
export interface MarketCalendar {
  /** The session containing `now`, or null when the market is closed at `now`. */
  sessionAt(now: Date): MarketSession | null;
  isOpen(now: Date): boolean;
  /** The next session that opens strictly after `now` (if open now: the next day's). */
  nextSession(now: Date): MarketSession;
  /** When to wake a sleeping bot: `now` if open, else the next open. */
  nextOpen(now: Date): Date;
}

/** Years whose holidays and early closes are in {@link NYSE_SPECIAL_DAYS}; extend every year. */
export const MARKET_CALENDAR_YEARS: readonly number[] = [2026, 2027];

/**
 * NYSE full-day closures and 13:00 ET early closes, from the NYSE published calendar. Holidays on
 * a Saturday are observed the Friday before, on a Sunday the Monday after — except New Year's Day
 * on a Saturday, which is not observed (so Friday 2027-12-31 is a full session). No early close
 * on Jul 2 in 2026 or 2027: the Jul 4 holiday is observed on a Friday/Monday those years and NYSE
 * (as in 2015/2020/2021) lists none; 2027 has no Dec 24 early close because it is the observed
 * Christmas. Outside {@link MARKET_CALENDAR_YEARS} only the weekday rule applies (no holidays).
 */
const NYSE_SPECIAL_DAYS: Readonly<Record<string, 'closed' | 'early'>> = {
  '2026-01-01': 'closed', // New Year's Day
  '2026-01-19': 'closed', // Martin Luther King Jr. Day
  '2026-02-16': 'closed', // Washington's Birthday
  '2026-04-03': 'closed', // Good Friday
  '2026-05-25': 'closed', // Memorial Day
  '2026-06-19': 'closed', // Juneteenth
  '2026-07-03': 'closed', // Independence Day (observed; Jul 4 is a Saturday)
  '2026-09-07': 'closed', // Labor Day
  '2026-11-26': 'closed', // Thanksgiving
  '2026-11-27': 'early', // Day after Thanksgiving
  '2026-12-24': 'early', // Christmas Eve
  '2026-12-25': 'closed', // Christmas
  '2027-01-01': 'closed', // New Year's Day
  '2027-01-18': 'closed', // Martin Luther King Jr. Day
  '2027-02-15': 'closed', // Washington's Birthday
  '2027-03-26': 'closed', // Good Friday
  '2027-05-31': 'closed', // Memorial Day
  '2027-06-18': 'closed', // Juneteenth (observed; Jun 19 is a Saturday)
  '2027-07-05': 'closed', // Independence Day (observed; Jul 4 is a Sunday)
  '2027-09-06': 'closed', // Labor Day
  '2027-11-25': 'closed', // Thanksgiving
  '2027-11-26': 'early', // Day after Thanksgiving
  '2027-12-24': 'closed', // Christmas (observed; Dec 25 is a Saturday)
};

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
const OPEN_MINUTES = 9 * 60 + 30;
const CLOSE_MINUTES = 16 * 60;
const EARLY_CLOSE_MINUTES = 13 * 60;
/** Longest gap between sessions is a few days; this bound only guards against a bad table. */
const MAX_SEARCH_DAYS = 30;

/** Epoch-ms of 00:00 UTC on the `n`th Sunday of `month` (0-based) in `year`. */
function nthSunday(year: number, month: number, n: number): number {
  const first = Date.UTC(year, month, 1);
  const weekday = new Date(first).getUTCDay();
  return first + (((7 - weekday) % 7) + 7 * (n - 1)) * DAY_MS;
}

/** Whether New York observes EDT (UTC−4) at the instant `ms`, else EST (UTC−5). */
function isEasternDaylightTime(ms: number): boolean {
  const year = new Date(ms).getUTCFullYear();
  const start = nthSunday(year, 2, 2) + 7 * HOUR_MS; // 02:00 EST
  const end = nthSunday(year, 10, 1) + 6 * HOUR_MS; // 02:00 EDT
  return ms >= start && ms < end;
}

/** The New York civil date containing `ms`, as epoch-ms of that date's 00:00 UTC. */
function easternDay(ms: number): number {
  const offset = isEasternDaylightTime(ms) ? 4 : 5;
  const local = ms - offset * HOUR_MS;
  return local - (((local % DAY_MS) + DAY_MS) % DAY_MS);
}

/** The regular session on the New York civil date `day`, or null on weekends and holidays. */
function sessionOn(day: number): MarketSession | null {
  const date = new Date(day);
  const weekday = date.getUTCDay();
  if (weekday === 0 || weekday === 6) return null;
  const special = NYSE_SPECIAL_DAYS[date.toISOString().slice(0, 10)];
  if (special === 'closed') return null;
  // Sessions never straddle the 02:00 switch, so the offset at noon holds for the whole day.
  const offset = isEasternDaylightTime(day + 12 * HOUR_MS) ? 4 : 5;
  const at = (minutes: number) => new Date(day + offset * HOUR_MS + minutes * MINUTE_MS);
  const early = special === 'early';
  return {
    open: at(OPEN_MINUTES),
    close: at(early ? EARLY_CLOSE_MINUTES : CLOSE_MINUTES),
    early,
  };
}

/**
 * Creates the NYSE calendar. `preOpenMinutes` (default 0, at most 570 so the wake window stays on
 * the session's New York date) widens every session to [open − preOpen, close) for `sessionAt`,
 * `isOpen` and the "opens strictly after" test of `nextSession`; `nextOpen` returns open − preOpen.
 * Returned sessions always carry the real bell times.
 */
export function createNyseCalendar(options: { preOpenMinutes?: number } = {}): MarketCalendar {
  const preOpenMinutes = options.preOpenMinutes ?? 0;
  if (!Number.isFinite(preOpenMinutes) || preOpenMinutes < 0 || preOpenMinutes > OPEN_MINUTES) {
    throw new RangeError(`preOpenMinutes must be within 0..${OPEN_MINUTES}, got ${preOpenMinutes}`);
  }
  const preOpenMs = preOpenMinutes * MINUTE_MS;
  const wakeAt = (session: MarketSession) => session.open.getTime() - preOpenMs;

  const sessionAt = (now: Date): MarketSession | null => {
    const session = sessionOn(easternDay(now.getTime()));
    if (session === null) return null;
    const t = now.getTime();
    return t >= wakeAt(session) && t < session.close.getTime() ? session : null;
  };

  const nextSession = (now: Date): MarketSession => {
    const t = now.getTime();
    const today = easternDay(t);
    for (let i = 0; i <= MAX_SEARCH_DAYS; i++) {
      const session = sessionOn(today + i * DAY_MS);
      if (session !== null && wakeAt(session) > t) return session;
    }
    throw new Error(`no NYSE session within ${MAX_SEARCH_DAYS} days of ${now.toISOString()}`);
  };

  return {
    sessionAt,
    isOpen: (now) => sessionAt(now) !== null,
    nextSession,
    nextOpen: (now) =>
      sessionAt(now) !== null ? new Date(now.getTime()) : new Date(wakeAt(nextSession(now))),
  };
}
