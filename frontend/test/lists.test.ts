import { describe, expect, it } from 'vitest';
import { applyListChange, INBOX, listFromTags, listMapOf, openCounts, sortedLists } from '../src/lists';
import { DEFAULT_FILTERS, matches } from '../src/tasks';
import type { Change, List, Task } from '../src/types';

const list = (id: string, name: string, over: Partial<List> = {}): List => ({
  id,
  name,
  color: null,
  archived: false,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...over,
});

const task = (id: string, over: Partial<Task> = {}): Task => ({
  id,
  title: id,
  description: '',
  priority: 'medium',
  dueAt: null,
  tags: [],
  completed: false,
  completedAt: null,
  recurrence: null,
  version: 1,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...over,
});

const change = (kind: string, entityId: string, data: unknown): Change => ({
  seq: 1,
  kind,
  entityId,
  data,
  createdAt: '2026-01-01T00:00:00Z',
});

describe('lists', () => {
  it('follows the change feed and never goes back to an older list', () => {
    let map = listMapOf([list('a', 'Work')]);
    map = applyListChange(map, change('list.upserted', 'b', list('b', 'Home')));
    expect(Object.keys(map).sort()).toEqual(['a', 'b']);
    const newer = list('a', 'Office', { updatedAt: '2026-01-02T00:00:00.000Z' });
    map = applyListChange(map, change('list.upserted', 'a', newer));
    expect(map.a.name).toBe('Office');
    expect(applyListChange(map, change('list.upserted', 'a', list('a', 'Stale')))).toBe(map);
    expect(applyListChange(map, change('list.upserted', 'x', { bogus: true }))).toBe(map);
    expect(applyListChange(map, change('task.deleted', 'a', {}))).toBe(map);
    map = applyListChange(map, change('list.deleted', 'a', { id: 'a' }));
    expect(Object.keys(map)).toEqual(['b']);
  });

  it('orders open lists by name before archived ones', () => {
    const map = listMapOf([list('1', 'zoo'), list('2', 'Alpha', { archived: true }), list('3', 'beta')]);
    expect(sortedLists(map).map((l) => l.name)).toEqual(['beta', 'zoo', 'Alpha']);
  });

  it('reads a #word as the open list of that name, spaces as dashes', () => {
    const map = listMapOf([list('g', 'Groceries'), list('h', 'Home Repairs'), list('o', 'Old', { archived: true })]);
    expect(listFromTags(['urgent', 'groceries'], map)).toEqual({ listId: 'g', tags: ['urgent'] });
    expect(listFromTags(['home-repairs'], map)).toEqual({ listId: 'h', tags: [] });
    expect(listFromTags(['old', 'work'], map)).toEqual({ listId: null, tags: ['old', 'work'] });
  });

  it('filters tasks by list and counts the open ones per list', () => {
    const inList = task('t1', { listId: 'g' });
    const inInbox = task('t2');
    const done = task('t3', { listId: 'g', completed: true });
    expect(matches(inList, { ...DEFAULT_FILTERS, list: 'g' })).toBe(true);
    expect(matches(inInbox, { ...DEFAULT_FILTERS, list: 'g' })).toBe(false);
    expect(matches(inInbox, { ...DEFAULT_FILTERS, list: INBOX })).toBe(true);
    expect(matches(inList, DEFAULT_FILTERS)).toBe(true);
    const counts = openCounts({ t1: inList, t2: inInbox, t3: done }, new Set(['t2']));
    expect(counts).toEqual({ g: 1 });
  });
});
