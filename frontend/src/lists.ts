// The user's lists (projects) as the client keeps them: a map kept current
// by the change feed, the order the sidebar shows, and how quick add's
// `#word` finds a list by name.

import type { Change, List, Task } from './types';

export type ListMap = Readonly<Record<string, List>>;

/** The filter value of the tasks in no list. */
export const INBOX = 'inbox';

export function isList(v: unknown): v is List {
  const l = v as List;
  return !!l && typeof l.id === 'string' && typeof l.name === 'string' && typeof l.archived === 'boolean';
}

export function listMapOf(items: List[]): ListMap {
  return Object.fromEntries(items.map((l) => [l.id, l]));
}

/** Applies one entry of the change feed (other kinds leave the map alone). */
export function applyListChange(map: ListMap, change: Change): ListMap {
  switch (change.kind) {
    case 'list.upserted': {
      if (!isList(change.data)) return map;
      const old = map[change.data.id];
      if (old && Date.parse(old.updatedAt) > Date.parse(change.data.updatedAt)) return map;
      return { ...map, [change.data.id]: change.data };
    }
    case 'list.deleted': {
      if (!(change.entityId in map)) return map;
      const next = { ...map };
      delete next[change.entityId];
      return next;
    }
    default:
      return map;
  }
}

/** Open lists by name, then archived ones by name: the server's order. */
export function sortedLists(map: ListMap): List[] {
  return Object.values(map).sort(
    (a, b) => Number(a.archived) - Number(b.archived) || a.name.toLowerCase().localeCompare(b.name.toLowerCase()),
  );
}

/** The ids of the archived lists, whose tasks stay out of the other views. */
export function archivedIds(map: ListMap): Set<string> {
  return new Set(Object.values(map).filter((l) => l.archived).map((l) => l.id));
}

/** How a list's name reads as a quick-add word: lowercase, spaces as dashes. */
export function listWord(name: string): string {
  return name.trim().toLowerCase().replace(/\s+/g, '-');
}

/**
 * Quick add's `#word` names a list when it is one of the user's open lists
 * (in any case, spaces written as dashes): the first such tag moves the
 * task into that list and is no longer a tag. Other tags stay tags.
 */
export function listFromTags(tags: string[], lists: ListMap): { listId: string | null; tags: string[] } {
  const open = Object.values(lists).filter((l) => !l.archived);
  for (const tag of tags) {
    const hit = open.find((l) => listWord(l.name) === tag.toLowerCase());
    if (hit) return { listId: hit.id, tags: tags.filter((t) => t !== tag) };
  }
  return { listId: null, tags };
}

/** Open tasks per list id, and under INBOX the tasks in no list. */
export function openCounts(tasks: Readonly<Record<string, Task>>, hidden: ReadonlySet<string>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const t of Object.values(tasks)) {
    if (t.completed || hidden.has(t.id)) continue;
    const key = t.listId || INBOX;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}
