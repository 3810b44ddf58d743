// Times in the user's timezone (settings.timezone), computed with Intl only.

interface Parts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const partsFormatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(tz: string): Intl.DateTimeFormat {
  let f = partsFormatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partsFormatters.set(tz, f);
  }
  return f;
}

/** The wall-clock fields of an instant in a timezone. */
export function zonedParts(ms: number, tz: string): Parts {
  const out: Record<string, number> = {};
  for (const p of partsFormatter(tz).formatToParts(new Date(ms))) {
    if (p.type !== 'literal') out[p.type] = Number(p.value);
  }
  return {
    year: out.year,
    month: out.month,
    day: out.day,
    hour: out.hour === 24 ? 0 : out.hour,
    minute: out.minute,
    second: out.second,
  };
}

/** The timezone's offset from UTC at an instant, in milliseconds. */
export function offsetMs(ms: number, tz: string): number {
  const p = zonedParts(ms, tz);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** `YYYY-MM-DDTHH:MM` (the value of a datetime-local input) for an instant in a timezone. */
export function toWall(ms: number, tz: string): string {
  const p = zonedParts(ms, tz);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
}

/**
 * The instant of a wall-clock time (`YYYY-MM-DDTHH:MM[:SS]`) in a timezone.
 * A time skipped by a daylight-saving change moves forward by the gap; a
 * repeated time is read as the first of the two. Null when unreadable.
 */
export function fromWall(wall: string, tz: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(wall.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m;
  const guess = Date.UTC(+y, +mo - 1, +d, +h, +mi, s ? +s : 0);
  if (Number.isNaN(guess)) return null;
  // The offset a little before and after the guess: if they differ, a change is near.
  const before = offsetMs(guess - 86_400_000 / 2, tz);
  const after = offsetMs(guess + 86_400_000 / 2, tz);
  const first = guess - before;
  if (before === after) return first;
  const second = guess - after;
  // Prefer the earlier reading whose wall time round-trips (the first of a repeated time).
  const candidates = [first, second].sort((a, b) => a - b);
  for (const c of candidates) if (toWallSeconds(c, tz) === toWallSeconds(guess, 'UTC')) return c;
  // Skipped time: read it with the offset before the gap.
  return first;
}

function toWallSeconds(ms: number, tz: string): string {
  const p = zonedParts(ms, tz);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

/** Days since the epoch of the calendar date an instant falls on in a timezone. */
export function dayNumber(ms: number, tz: string): number {
  const p = zonedParts(ms, tz);
  return Math.round(Date.UTC(p.year, p.month - 1, p.day) / 86_400_000);
}

const timeFormatters = new Map<string, Intl.DateTimeFormat>();
function fmt(locale: string, tz: string, kind: string, opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${tz}|${kind}`;
  let f = timeFormatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { timeZone: tz, ...opts });
    timeFormatters.set(key, f);
  }
  return f;
}

const rtfs = new Map<string, Intl.RelativeTimeFormat>();
function rtf(locale: string): Intl.RelativeTimeFormat {
  let r = rtfs.get(locale);
  if (!r) {
    r = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
    rtfs.set(locale, r);
  }
  return r;
}

/** The browser's language for dates and times (English where there is none). */
export function userLocale(): string {
  return (typeof navigator !== 'undefined' && navigator.language) || 'en';
}

export function formatTime(ms: number, tz: string, locale = userLocale()): string {
  return fmt(locale, tz, 'time', { hour: 'numeric', minute: '2-digit' }).format(ms);
}

/**
 * Whether an instant is the last moment of its day in the timezone, which
 * is how a due date without a time of day is kept (the assistant and quick
 * add read "Friday" as the end of Friday).
 */
export function isEndOfDay(ms: number, tz: string): boolean {
  const p = zonedParts(ms, tz);
  return p.hour === 23 && p.minute === 59 && p.second === 59;
}

/** A full date and time, for tooltips and screen readers. */
export function formatAbsolute(ms: number, tz: string, locale = userLocale()): string {
  return fmt(locale, tz, 'abs', {
    weekday: 'short',
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(ms);
}

/**
 * A due time relative to now, in the user's timezone: "in 5 minutes",
 * "in 3 hours", "tomorrow 9:00 AM", "Friday 9:00 AM", "3 days ago", "Mar 5".
 * Calendar words (today, tomorrow) follow the timezone's dates, not 24-hour spans.
 */
export function formatRelative(ms: number, now: number, tz: string, locale = userLocale()): string {
  const diff = ms - now;
  const abs = Math.abs(diff);
  const r = rtf(locale);
  const days = dayNumber(ms, tz) - dayNumber(now, tz);
  // A date without a time of day: the day alone, never "in 3 hours 11:59 PM".
  const dateOnly = isEndOfDay(ms, tz);
  if (!dateOnly) {
    if (abs < 45_000) return r.format(0, 'second');
    if (abs < 3_600_000) return r.format(Math.round(diff / 60_000), 'minute');
    if (days === 0 && abs < 6 * 3_600_000) return r.format(Math.round(diff / 3_600_000), 'hour');
  }
  const time = dateOnly ? '' : ` ${formatTime(ms, tz, locale)}`;
  if (days >= -1 && days <= 1) return `${r.format(days, 'day')}${time}`;
  if (days > 1 && days < 7) {
    return `${fmt(locale, tz, 'wd', { weekday: 'long' }).format(ms)}${time}`;
  }
  if (days < -1 && days > -7) return r.format(days, 'day');
  const sameYear = zonedParts(ms, tz).year === zonedParts(now, tz).year;
  return fmt(locale, tz, sameYear ? 'md' : 'ymd', {
    month: 'short',
    day: 'numeric',
    ...(sameYear ? {} : { year: 'numeric' }),
  }).format(ms);
}

/** Every IANA timezone the browser knows, UTC first. */
export function timezones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (k: string) => string[] };
  const list = intl.supportedValuesOf ? intl.supportedValuesOf('timeZone') : [];
  return ['UTC', ...list.filter((z) => z !== 'UTC')];
}

export function browserTimezone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

const INSTANT = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})/g;

/** Server text with RFC 3339 times in it, with those times said relative to now in the timezone. */
export function humanizeInstants(text: string, now: number, tz: string, locale = userLocale()): string {
  return text.replace(INSTANT, (m) => {
    const ms = Date.parse(m);
    return Number.isNaN(ms) ? m : formatRelative(ms, now, tz, locale);
  });
}
