// The local task collection and the view derived from it. Live changes
// update the map; the visible list is always re-derived from the map with
// the current filters and sort, so a change lands in the right place (or
// leaves the view) without asking the server again.

import { dayNumber, fromWall, toWall } from './dates';
import type { Change, Priority, Task } from './types';

export type TaskMap = Readonly<Record<string, Task>>;

export type Status = 'open' | 'completed' | 'all';
export type SortField = 'created' | 'updated' | 'due' | 'priority' | 'title';
export type Sort = SortField | `-${SortField}`;

/**
 * Today: open tasks overdue or due today; Upcoming: open tasks due in the
 * next UPCOMING_DAYS days (today first), by day; Repeating: the series, by
 * their open instances. '' is no view: the list with every filter.
 */
export type View = '' | 'today' | 'upcoming' | 'repeating';
export const UPCOMING_DAYS = 14;

/** What the views need to know: the time now, the user's timezone, and the archived lists. */
export interface Clock {
  now: number;
  tz: string;
  /** Lists whose tasks show only when the list itself is shown. */
  archived?: ReadonlySet<string>;
}

export interface Filters {
  status: Status;
  priority: Priority | '';
  tag: string;
  q: string;
  sort: Sort;
  /** '' for every list, 'inbox' for the tasks in no list, or a list's id. */
  list: string;
  view: View;
}

export const DEFAULT_FILTERS: Filters = { status: 'open', priority: '', tag: '', q: '', sort: '-created', list: '', view: '' };

const RANK: Record<Priority, number> = { low: 0, medium: 1, high: 2, urgent: 3 };

const time = (s: string | null): number | null => (s ? Date.parse(s) : null);

/** Inserts or replaces a task, never going back to an older version. */
export function upsertTask(map: TaskMap, task: Task): TaskMap {
  const old = map[task.id];
  if (old && old.version > task.version) return map;
  if (old && old.version === task.version && old.updatedAt === task.updatedAt && old.completed === task.completed) {
    return map;
  }
  return { ...map, [task.id]: task };
}

export function removeTask(map: TaskMap, id: string): TaskMap {
  if (!(id in map)) return map;
  const next = { ...map };
  delete next[id];
  return next;
}

export function isTask(v: unknown): v is Task {
  const t = v as Task;
  return !!t && typeof t.id === 'string' && typeof t.title === 'string' && typeof t.version === 'number';
}

/** Applies one entry of the change feed to the task map (other kinds leave it alone). */
export function applyChange(map: TaskMap, change: Change): TaskMap {
  switch (change.kind) {
    case 'task.upserted':
      return isTask(change.data) ? upsertTask(map, change.data) : map;
    case 'task.deleted':
      return removeTask(map, change.entityId);
    default:
      return map;
  }
}

/** The calendar day (days since the epoch) a task is due on in a timezone. */
export function dueDay(task: Task, tz: string): number | null {
  return task.dueAt ? dayNumber(Date.parse(task.dueAt), tz) : null;
}

/** Whether a task belongs in a view; always true without one. */
export function inView(task: Task, view: View, clock: Clock): boolean {
  if (task.listId && clock.archived?.has(task.listId)) return false;
  if (!view) return true;
  if (view === 'repeating') return !task.completed && !!task.seriesId;
  const day = dueDay(task, clock.tz);
  if (task.completed || day === null) return false;
  const today = dayNumber(clock.now, clock.tz);
  return view === 'today' ? day <= today : day >= today && day < today + UPCOMING_DAYS;
}

export function matches(task: Task, f: Filters, clock?: Clock): boolean {
  if (f.list && (task.listId || 'inbox') !== f.list) return false;
  // An archived list's tasks leave every other view, as the list leaves the bar.
  if (!f.list && task.listId && clock?.archived?.has(task.listId)) return false;
  if (f.view) {
    // A view is of open tasks: the status filter does not apply.
    if (!clock || !inView(task, f.view, clock)) return false;
  } else {
    if (f.status === 'open' && task.completed) return false;
    if (f.status === 'completed' && !task.completed) return false;
  }
  if (f.priority && task.priority !== f.priority) return false;
  if (f.tag && !task.tags.includes(f.tag.toLowerCase())) return false;
  const q = f.q.trim().toLowerCase();
  if (q && !`${task.title}\n${task.description}`.toLowerCase().includes(q)) return false;
  return true;
}

/** The server's order: the sort key, then the id in the same direction; no due date last either way. */
export function comparator(sort: Sort): (a: Task, b: Task) => number {
  const desc = sort.startsWith('-');
  const field = (desc ? sort.slice(1) : sort) as SortField;
  const dir = desc ? -1 : 1;
  const key = (t: Task): number | string => {
    switch (field) {
      case 'created':
        return Date.parse(t.createdAt);
      case 'updated':
        return Date.parse(t.updatedAt);
      case 'priority':
        return RANK[t.priority];
      case 'title':
        return t.title.toLowerCase();
      case 'due': {
        const d = time(t.dueAt);
        return d ?? (desc ? -Infinity : Infinity);
      }
    }
  };
  return (a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka < kb) return -dir;
    if (ka > kb) return dir;
    return a.id < b.id ? -dir : a.id > b.id ? dir : 0;
  };
}

/** The list to show: filtered, sorted, without the tasks waiting to be deleted. Views sort by due time. */
export function visibleTasks(map: TaskMap, f: Filters, hidden: ReadonlySet<string> = new Set(), clock?: Clock): Task[] {
  return Object.values(map)
    .filter((t) => !hidden.has(t.id) && matches(t, f, clock))
    .sort(comparator(f.view ? 'due' : f.sort));
}

/** Upcoming's days, today first, each with its tasks (already in due order). */
export function upcomingDays(tasks: Task[], clock: Clock): { day: number; tasks: Task[] }[] {
  const today = dayNumber(clock.now, clock.tz);
  const days = Array.from({ length: UPCOMING_DAYS }, (_, i) => ({ day: today + i, tasks: [] as Task[] }));
  for (const t of tasks) {
    const d = dueDay(t, clock.tz);
    if (d !== null && d >= today && d < today + UPCOMING_DAYS) days[d - today].tasks.push(t);
  }
  return days;
}

/** The ISO date (YYYY-MM-DD) of a day number. */
export function isoDay(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The due time moved to another calendar day at the same wall-clock time
 * in the timezone (so 9:00 stays 9:00 across a daylight-saving change).
 */
export function dueOnDay(dueAt: string, day: number, tz: string): string | null {
  const ms = Date.parse(dueAt);
  const wall = toWall(ms, tz);
  const from = fromWall(wall, tz);
  const to = fromWall(`${isoDay(day)}${wall.slice(10)}`, tz);
  // The shift between the two wall-clock minutes keeps seconds as they were
  // (a date without a time is due at 23:59:59.999).
  return from === null || to === null ? null : new Date(ms + (to - from)).toISOString();
}

/** The end of today in the timezone: what a date without a time means (as the assistant reads "today"). */
export function endOfToday(clock: Clock): string {
  const next = fromWall(`${isoDay(dayNumber(clock.now, clock.tz) + 1)}T00:00`, clock.tz);
  return new Date((next ?? clock.now) - 1).toISOString();
}

/** Every tag in use, for the tag filter. */
export function allTags(map: TaskMap): string[] {
  const set = new Set<string>();
  for (const t of Object.values(map)) for (const g of t.tags) set.add(g);
  return [...set].sort();
}

export function isOverdue(task: Task, now: number): boolean {
  return !task.completed && !!task.dueAt && Date.parse(task.dueAt) < now;
}
