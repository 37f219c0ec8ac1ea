import { describe, expect, it } from 'vitest';
import { MARKET_CALENDAR_YEARS, createNyseCalendar } from './market-calendar.ts';
import type { MarketSession } from './market-calendar.ts';

const at = (iso: string) => new Date(iso);
const session = (open: string, close: string, early = false): MarketSession => ({
  open: at(open),
  close: at(close),
  early,
});

describe('createNyseCalendar().isOpen', () => {
  const calendar = createNyseCalendar();
  const cases: { name: string; given: string; want: boolean }[] = [
    // Winter, EST (UTC−5): 09:30 ET = 14:30Z, 16:00 ET = 21:00Z.
    { name: 'EST: a second before the bell', given: '2026-01-13T14:29:59Z', want: false },
    { name: 'EST: at the bell', given: '2026-01-13T14:30:00Z', want: true },
    { name: 'EST: a second before the close', given: '2026-01-13T20:59:59Z', want: true },
    { name: 'EST: at the close', given: '2026-01-13T21:00:00Z', want: false },
    { name: 'EST: evening ET, next UTC day', given: '2026-01-14T03:00:00Z', want: false },
    // Summer, EDT (UTC−4): 09:30 ET = 13:30Z, 16:00 ET = 20:00Z.
    { name: 'EDT: a second before the bell', given: '2026-07-14T13:29:59Z', want: false },
    { name: 'EDT: at the bell', given: '2026-07-14T13:30:00Z', want: true },
    { name: 'EDT: a second before the close', given: '2026-07-14T19:59:59Z', want: true },
    { name: 'EDT: at the close', given: '2026-07-14T20:00:00Z', want: false },
    // DST switch weekends.
    { name: 'Fri before 2026-03-08 is EST', given: '2026-03-06T14:00:00Z', want: false },
    { name: 'Sun 2026-03-08 switch instant', given: '2026-03-08T07:00:00Z', want: false },
    { name: 'Mon after 2026-03-08 is EDT', given: '2026-03-09T13:30:00Z', want: true },
    { name: 'Fri before 2026-11-01 is EDT', given: '2026-10-30T13:30:00Z', want: true },
    { name: 'Sun 2026-11-01 switch instant', given: '2026-11-01T06:00:00Z', want: false },
    { name: 'Mon after 2026-11-01 is EST', given: '2026-11-02T14:00:00Z', want: false },
    { name: 'Mon after 2026-11-01 opens 14:30Z', given: '2026-11-02T14:30:00Z', want: true },
    { name: 'Fri before 2027-03-14 is EST', given: '2027-03-12T14:00:00Z', want: false },
    { name: 'Mon after 2027-03-14 is EDT', given: '2027-03-15T13:30:00Z', want: true },
    { name: 'Fri before 2027-11-07 is EDT', given: '2027-11-05T19:30:00Z', want: true },
    { name: 'Mon after 2027-11-07 is EST', given: '2027-11-08T20:30:00Z', want: true },
    { name: 'Mon after 2027-11-07 closes 21:00Z', given: '2027-11-08T21:00:00Z', want: false },
    // Weekends.
    { name: 'Saturday midday', given: '2026-01-17T17:00:00Z', want: false },
    { name: 'Sunday midday', given: '2026-07-12T17:00:00Z', want: false },
    // Rules around the holidays.
    { name: 'Thu Jul 2 2026 is a full day', given: '2026-07-02T19:30:00Z', want: true },
    { name: 'Fri Jul 2 2027 is a full day', given: '2027-07-02T19:30:00Z', want: true },
    { name: 'Fri Dec 31 2027 is open (Sat Jan 1)', given: '2027-12-31T20:30:00Z', want: true },
    { name: 'outside the table: weekdays only', given: '2025-12-25T15:00:00Z', want: true },
  ];
  it.each(cases)('$name', ({ given, want }) => {
    expect(calendar.isOpen(at(given))).toBe(want);
  });

  const holidays = [
    '2026-01-01',
    '2026-01-19',
    '2026-02-16',
    '2026-04-03',
    '2026-05-25',
    '2026-06-19',
    '2026-07-03',
    '2026-09-07',
    '2026-11-26',
    '2026-12-25',
    '2027-01-01',
    '2027-01-18',
    '2027-02-15',
    '2027-03-26',
    '2027-05-31',
    '2027-06-18',
    '2027-07-05',
    '2027-09-06',
    '2027-11-25',
    '2027-12-24',
  ];
  // 15:00Z and 19:00Z are inside the regular session in both EST and EDT.
  const holidayCases = holidays.flatMap((day) =>
    ['15:00', '19:00'].map((time) => ({
      name: `holiday ${day} closed at ${time}Z`,
      given: `${day}T${time}:00Z`,
      want: false,
    })),
  );
  it.each(holidayCases)('$name', ({ given, want }) => {
    expect(calendar.isOpen(at(given))).toBe(want);
    expect(calendar.sessionAt(at(given))).toBeNull();
  });

  it('covers the years the holiday table was written for', () => {
    expect(MARKET_CALENDAR_YEARS).toEqual([2026, 2027]);
  });
});

describe('createNyseCalendar().sessionAt', () => {
  const calendar = createNyseCalendar();
  const cases: { name: string; given: string; want: MarketSession | null }[] = [
    {
      name: 'a regular EST day',
      given: '2026-01-13T16:00:00Z',
      want: session('2026-01-13T14:30:00Z', '2026-01-13T21:00:00Z'),
    },
    {
      name: 'a regular EDT day',
      given: '2026-07-14T16:00:00Z',
      want: session('2026-07-14T13:30:00Z', '2026-07-14T20:00:00Z'),
    },
    {
      name: 'day after Thanksgiving 2026 closes 13:00 ET',
      given: '2026-11-27T17:59:59Z',
      want: session('2026-11-27T14:30:00Z', '2026-11-27T18:00:00Z', true),
    },
    { name: 'day after Thanksgiving 2026 at 13:00 ET', given: '2026-11-27T18:00:00Z', want: null },
    {
      name: 'Christmas Eve 2026 closes 13:00 ET',
      given: '2026-12-24T17:00:00Z',
      want: session('2026-12-24T14:30:00Z', '2026-12-24T18:00:00Z', true),
    },
    { name: 'Christmas Eve 2026 at 13:00 ET', given: '2026-12-24T18:00:00Z', want: null },
    {
      name: 'day after Thanksgiving 2027 closes 13:00 ET',
      given: '2027-11-26T17:59:59Z',
      want: session('2027-11-26T14:30:00Z', '2027-11-26T18:00:00Z', true),
    },
    { name: 'day after Thanksgiving 2027 at 13:00 ET', given: '2027-11-26T18:00:00Z', want: null },
    { name: 'weekend', given: '2026-03-07T16:00:00Z', want: null },
  ];
  it.each(cases)('$name', ({ given, want }) => {
    expect(calendar.sessionAt(at(given))).toEqual(want);
  });
});

describe('createNyseCalendar().nextOpen', () => {
  const calendar = createNyseCalendar();
  const cases: { name: string; given: string; want: string }[] = [
    { name: 'open now: now', given: '2026-01-13T15:00:00Z', want: '2026-01-13T15:00:00Z' },
    { name: 'early morning: today', given: '2026-01-13T12:00:00Z', want: '2026-01-13T14:30:00Z' },
    { name: 'after close: tomorrow', given: '2026-01-14T03:00:00Z', want: '2026-01-14T14:30:00Z' },
    { name: 'Friday evening: Monday', given: '2026-01-09T22:00:00Z', want: '2026-01-12T14:30:00Z' },
    {
      name: 'Friday evening before MLK Day: Tuesday',
      given: '2026-01-16T22:00:00Z',
      want: '2026-01-20T14:30:00Z',
    },
    {
      name: 'Thu Jul 2 2026 after close: Mon Jul 6 09:30 EDT',
      given: '2026-07-02T20:00:00Z',
      want: '2026-07-06T13:30:00Z',
    },
    {
      name: 'Christmas Eve 2026 after 13:00 ET: Mon Dec 28',
      given: '2026-12-24T18:00:00Z',
      want: '2026-12-28T14:30:00Z',
    },
    {
      name: 'New Year 2027 weekend: Mon Jan 4',
      given: '2026-12-31T21:00:00Z',
      want: '2027-01-04T14:30:00Z',
    },
    {
      name: 'spring-forward weekend 2026: Monday in EDT',
      given: '2026-03-07T12:00:00Z',
      want: '2026-03-09T13:30:00Z',
    },
    {
      name: 'fall-back weekend 2026: Monday in EST',
      given: '2026-10-31T12:00:00Z',
      want: '2026-11-02T14:30:00Z',
    },
    {
      name: 'Good Friday 2027: Monday',
      given: '2027-03-25T20:00:00Z',
      want: '2027-03-29T13:30:00Z',
    },
    {
      name: 'Juneteenth 2027 observed Friday: Monday',
      given: '2027-06-17T20:00:00Z',
      want: '2027-06-21T13:30:00Z',
    },
    {
      name: 'Independence Day 2027 observed Monday: Tuesday',
      given: '2027-07-02T20:00:00Z',
      want: '2027-07-06T13:30:00Z',
    },
    {
      name: 'Christmas 2027 observed Friday: Monday',
      given: '2027-12-23T21:00:00Z',
      want: '2027-12-27T14:30:00Z',
    },
  ];
  it.each(cases)('$name', ({ given, want }) => {
    expect(calendar.nextOpen(at(given))).toEqual(at(want));
  });
});

describe('createNyseCalendar().nextSession', () => {
  const calendar = createNyseCalendar();
  const cases: { name: string; given: string; want: MarketSession }[] = [
    {
      name: 'while open: the next day',
      given: '2026-01-13T15:00:00Z',
      want: session('2026-01-14T14:30:00Z', '2026-01-14T21:00:00Z'),
    },
    {
      name: 'at the bell: the next day',
      given: '2026-01-13T14:30:00Z',
      want: session('2026-01-14T14:30:00Z', '2026-01-14T21:00:00Z'),
    },
    {
      name: 'before the bell: today',
      given: '2026-01-13T14:29:59Z',
      want: session('2026-01-13T14:30:00Z', '2026-01-13T21:00:00Z'),
    },
    {
      name: 'the eve of Thanksgiving 2026: the early close after it',
      given: '2026-11-25T15:00:00Z',
      want: session('2026-11-27T14:30:00Z', '2026-11-27T18:00:00Z', true),
    },
  ];
  it.each(cases)('$name', ({ given, want }) => {
    expect(calendar.nextSession(at(given))).toEqual(want);
  });
});

describe('createNyseCalendar({ preOpenMinutes })', () => {
  const calendar = createNyseCalendar({ preOpenMinutes: 5 });
  const julySix = session('2026-07-06T13:30:00Z', '2026-07-06T20:00:00Z');
  const julySeven = session('2026-07-07T13:30:00Z', '2026-07-07T20:00:00Z');
  const cases: {
    name: string;
    given: { method: 'isOpen' | 'sessionAt' | 'nextOpen' | 'nextSession'; now: string };
    want: unknown;
  }[] = [
    {
      name: 'closed before the window',
      given: { method: 'isOpen', now: '2026-07-06T13:24:59Z' },
      want: false,
    },
    {
      name: 'open at open − 5 min',
      given: { method: 'isOpen', now: '2026-07-06T13:25:00Z' },
      want: true,
    },
    {
      name: 'closed at the close',
      given: { method: 'isOpen', now: '2026-07-06T20:00:00Z' },
      want: false,
    },
    {
      name: 'session in the window has the real bell',
      given: { method: 'sessionAt', now: '2026-07-06T13:26:00Z' },
      want: julySix,
    },
    {
      name: 'wakes 5 min before the bell',
      given: { method: 'nextOpen', now: '2026-07-02T20:00:00Z' },
      want: at('2026-07-06T13:25:00Z'),
    },
    {
      name: 'in the window: now',
      given: { method: 'nextOpen', now: '2026-07-06T13:27:00Z' },
      want: at('2026-07-06T13:27:00Z'),
    },
    {
      name: 'in the window: next session is tomorrow',
      given: { method: 'nextSession', now: '2026-07-06T13:27:00Z' },
      want: julySeven,
    },
    {
      name: 'before the window: next session is today',
      given: { method: 'nextSession', now: '2026-07-06T13:24:59Z' },
      want: julySix,
    },
  ];
  it.each(cases)('$name', ({ given, want }) => {
    expect(calendar[given.method](at(given.now))).toEqual(want);
  });

  const invalid: { name: string; given: number; want: typeof RangeError }[] = [
    { name: 'negative', given: -1, want: RangeError },
    { name: 'past midnight ET', given: 571, want: RangeError },
    { name: 'not a number', given: Number.NaN, want: RangeError },
  ];
  it.each(invalid)('rejects $name preOpenMinutes', ({ given, want }) => {
    expect(() => createNyseCalendar({ preOpenMinutes: given })).toThrow(want);
  });
});
