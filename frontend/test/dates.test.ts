import { describe, expect, it } from 'vitest';
import { dayNumber, formatRelative, fromWall, humanizeInstants, offsetMs, toWall } from '../src/dates';

const at = (iso: string) => Date.parse(iso);
const NY = 'America/New_York';

describe('relative due dates in the user timezone', () => {
  const now = at('2026-03-10T15:00:00Z'); // 11:00 in New York (EDT), 16:00 in Berlin
  const rel = (iso: string, tz = NY) => formatRelative(at(iso), now, tz, 'en-US');

  it('says now, minutes and hours close by', () => {
    expect(rel('2026-03-10T15:00:20Z')).toBe('now');
    expect(rel('2026-03-10T15:15:00Z')).toBe('in 15 minutes');
    expect(rel('2026-03-10T14:35:00Z')).toBe('25 minutes ago');
    expect(rel('2026-03-10T18:00:00Z')).toBe('in 3 hours');
    expect(rel('2026-03-10T13:00:00Z')).toBe('2 hours ago');
  });

  it('uses calendar days of the timezone for today, tomorrow and yesterday', () => {
    // 23:30 in New York is still today there; in Berlin it is already tomorrow.
    expect(rel('2026-03-11T03:30:00Z')).toBe('today 11:30 PM');
    expect(rel('2026-03-11T03:30:00Z', 'Europe/Berlin')).toBe('tomorrow 4:30 AM');
    expect(rel('2026-03-11T13:00:00Z')).toBe('tomorrow 9:00 AM');
    expect(rel('2026-03-09T21:00:00Z')).toBe('yesterday 5:00 PM');
  });

  it('names the weekday within a week and the date beyond', () => {
    expect(rel('2026-03-13T13:00:00Z')).toBe('Friday 9:00 AM');
    expect(rel('2026-03-06T13:00:00Z')).toBe('4 days ago');
    expect(rel('2026-04-20T13:00:00Z')).toBe('Apr 20');
    expect(rel('2027-01-05T13:00:00Z')).toBe('Jan 5, 2027');
  });

  it('follows the user timezone, not the machine one', () => {
    const tokyo = formatRelative(at('2026-03-11T00:30:00Z'), now, 'Asia/Tokyo', 'en-GB');
    expect(tokyo).toBe('today 9:30');
    expect(dayNumber(at('2026-03-10T23:30:00Z'), 'Asia/Tokyo') - dayNumber(at('2026-03-10T23:30:00Z'), 'UTC')).toBe(1);
  });
});

describe('wall-clock times in a timezone', () => {
  it('round-trips a datetime-local value', () => {
    const ms = fromWall('2026-07-01T09:30', 'Europe/Berlin');
    expect(ms).toBe(at('2026-07-01T07:30:00Z'));
    expect(toWall(ms!, 'Europe/Berlin')).toBe('2026-07-01T09:30');
    expect(toWall(ms!, NY)).toBe('2026-07-01T03:30');
  });

  it('knows the offset on both sides of a daylight-saving change', () => {
    expect(offsetMs(at('2026-03-08T06:00:00Z'), NY)).toBe(-5 * 3600_000);
    expect(offsetMs(at('2026-03-08T08:00:00Z'), NY)).toBe(-4 * 3600_000);
    expect(fromWall('2026-03-08T01:00', NY)).toBe(at('2026-03-08T06:00:00Z'));
    expect(fromWall('2026-03-08T10:00', NY)).toBe(at('2026-03-08T14:00:00Z'));
  });

  it('moves a skipped time forward and takes the first of a repeated time', () => {
    // 02:30 does not exist on 8 March 2026 in New York: read with the offset before the gap.
    expect(toWall(fromWall('2026-03-08T02:30', NY)!, NY)).toBe('2026-03-08T03:30');
    // 01:30 happens twice on 1 November 2026: the first (EDT) one.
    expect(fromWall('2026-11-01T01:30', NY)).toBe(at('2026-11-01T05:30:00Z'));
  });

  it('refuses text that is not a date-time', () => {
    expect(fromWall('next week', 'UTC')).toBeNull();
    expect(fromWall('', 'UTC')).toBeNull();
  });
});

describe('server messages with times', () => {
  it('says the times in them relative to now, in the timezone', () => {
    const now = at('2026-03-10T15:00:00Z');
    const msg = '“File taxes” was due yesterday. Move it to 2026-03-11T09:00:00.000Z or mark it done?';
    expect(humanizeInstants(msg, now, 'Europe/Berlin', 'en-US')).toBe(
      '“File taxes” was due yesterday. Move it to tomorrow 10:00 AM or mark it done?',
    );
    expect(humanizeInstants('no times here', now, 'UTC')).toBe('no times here');
  });
});
