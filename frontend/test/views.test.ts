import { describe, expect, it } from 'vitest';
import { formatRelative } from '../src/dates';
import { DEFAULT_FILTERS, dueOnDay, endOfToday, inView, upcomingDays, visibleTasks, type Clock } from '../src/tasks';
import type { Task } from '../src/types';

const BERLIN = 'Europe/Berlin';
// Saturday 28 March 2026, 22:30 in Berlin; the clocks go forward that night.
const clock: Clock = { now: Date.parse('2026-03-28T21:30:00Z'), tz: BERLIN };

const task = (id: string, dueAt: string | null, over: Partial<Task> = {}): Task => ({
  id,
  title: id,
  description: '',
  priority: 'medium',
  dueAt,
  tags: [],
  completed: false,
  completedAt: null,
  recurrence: null,
  version: 1,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...over,
});

describe('Today and Upcoming', () => {
  const overdue = task('overdue', '2026-03-20T08:00:00Z');
  // 23:45 UTC on the 28th is already the 29th in Berlin: not today.
  const lateTonightUtc = task('tomorrow-in-berlin', '2026-03-28T23:45:00Z');
  const today = task('today', '2026-03-28T22:59:59.999Z');
  const done = task('done', '2026-03-28T10:00:00Z', { completed: true, completedAt: '2026-03-28T11:00:00Z' });
  const inTwoWeeks = task('day-14', '2026-04-11T10:00:00Z');
  const undated = task('undated', null);
  const all = { overdue, lateTonightUtc, today, done, inTwoWeeks, undated };
  const map = Object.fromEntries(Object.values(all).map((t) => [t.id, t]));

  it('Today is what is open and due by the end of the day in the user’s timezone, overdue first', () => {
    const ids = visibleTasks(map, { ...DEFAULT_FILTERS, status: 'completed', view: 'today' }, new Set(), clock).map(
      (t) => t.id,
    );
    expect(ids).toEqual(['overdue', 'today']);
  });

  it('Upcoming is the next 14 days by day, today first', () => {
    const tasks = visibleTasks(map, { ...DEFAULT_FILTERS, view: 'upcoming' }, new Set(), clock);
    expect(tasks.map((t) => t.id)).toEqual(['today', 'tomorrow-in-berlin']);
    expect(inView(inTwoWeeks, 'upcoming', clock)).toBe(false);
    expect(inView(undated, 'upcoming', clock)).toBe(false);
    const days = upcomingDays(tasks, clock);
    expect(days).toHaveLength(14);
    expect(days[0].tasks.map((t) => t.id)).toEqual(['today']);
    expect(days[1].tasks.map((t) => t.id)).toEqual(['tomorrow-in-berlin']);
  });

  it('moving to another day keeps the wall-clock time across a daylight-saving change', () => {
    // 09:00 Berlin on Saturday (UTC+1) moved to Sunday is 09:00 (UTC+2).
    const day = Math.round(Date.UTC(2026, 2, 29) / 86_400_000);
    expect(dueOnDay('2026-03-28T08:00:00.000Z', day, BERLIN)).toBe('2026-03-29T07:00:00.000Z');
    // A date without a time stays the end of its new day.
    expect(dueOnDay('2026-03-28T22:59:59.999Z', day, BERLIN)).toBe('2026-03-29T21:59:59.999Z');
  });

  it('a date without a time is the end of the day and shows without one', () => {
    expect(endOfToday(clock)).toBe('2026-03-28T22:59:59.999Z');
    expect(formatRelative(Date.parse('2026-03-28T22:59:59.999Z'), clock.now, BERLIN, 'en-US')).toBe('today');
    expect(formatRelative(Date.parse('2026-03-29T21:59:59.999Z'), clock.now, BERLIN, 'en-US')).toBe('tomorrow');
    expect(formatRelative(Date.parse('2026-03-29T07:00:00Z'), clock.now, BERLIN, 'en-US')).toBe('tomorrow 9:00 AM');
  });

  it('an archived list keeps its tasks out of the views and All, but shows them itself', () => {
    const shelved = task('shelved', '2026-03-28T20:00:00Z', { listId: 'old' });
    const kept = { ...clock, archived: new Set(['old']) };
    const m = { shelved, today };
    expect(visibleTasks(m, { ...DEFAULT_FILTERS, view: 'today' }, new Set(), kept).map((t) => t.id)).toEqual(['today']);
    expect(visibleTasks(m, { ...DEFAULT_FILTERS, status: 'all' }, new Set(), kept).map((t) => t.id)).toEqual(['today']);
    expect(visibleTasks(m, { ...DEFAULT_FILTERS, list: 'old' }, new Set(), kept).map((t) => t.id)).toEqual(['shelved']);
  });
});
