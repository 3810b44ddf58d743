// The local task collection and the view derived from it. Live changes
// update the map; the visible list is always re-derived from the map with
// the current filters and sort, so a change lands in the right place (or
// leaves the view) without asking the server again.

import type { Change, Priority, Task } from './types';

export type TaskMap = Readonly<Record<string, Task>>;

export type Status = 'open' | 'completed' | 'all';
export type SortField = 'created' | 'updated' | 'due' | 'priority' | 'title';
export type Sort = SortField | `-${SortField}`;

export interface Filters {
  status: Status;
  priority: Priority | '';
  tag: string;
  q: string;
  sort: Sort;
  /** '' for every list, 'inbox' for the tasks in no list, or a list's id. */
  list: string;
}

export const DEFAULT_FILTERS: Filters = { status: 'open', priority: '', tag: '', q: '', sort: '-created', list: '' };

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

export function matches(task: Task, f: Filters): boolean {
  if (f.list && (task.listId || 'inbox') !== f.list) return false;
  if (f.status === 'open' && task.completed) return false;
  if (f.status === 'completed' && !task.completed) return false;
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

/** The list to show: filtered, sorted, without the tasks waiting to be deleted. */
export function visibleTasks(map: TaskMap, f: Filters, hidden: ReadonlySet<string> = new Set()): Task[] {
  return Object.values(map)
    .filter((t) => !hidden.has(t.id) && matches(t, f))
    .sort(comparator(f.sort));
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
