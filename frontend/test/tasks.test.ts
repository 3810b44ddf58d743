import { describe, expect, it } from 'vitest';
import { applyChange, comparator, DEFAULT_FILTERS, visibleTasks, type Filters, type TaskMap } from '../src/tasks';
import type { Change, Task } from '../src/types';

let seq = 0;
function task(over: Partial<Task> = {}): Task {
  seq += 1;
  return {
    id: `t${String(seq).padStart(3, '0')}`,
    title: `Task ${seq}`,
    description: '',
    priority: 'medium',
    dueAt: null,
    tags: [],
    completed: false,
    completedAt: null,
    recurrence: null,
    version: 1,
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, seq)).toISOString(),
    updatedAt: new Date(Date.UTC(2026, 0, 1, 0, seq)).toISOString(),
    ...over,
  };
}

const mapOf = (...ts: Task[]): TaskMap => Object.fromEntries(ts.map((t) => [t.id, t]));
const change = (kind: string, entityId: string, data: unknown, s = 1): Change => ({
  seq: s,
  kind,
  entityId,
  data,
  createdAt: '2026-01-01T00:00:00Z',
});
const ids = (ts: Task[]) => ts.map((t) => t.id);
const f = (p: Partial<Filters>): Filters => ({ ...DEFAULT_FILTERS, ...p });

describe('change feed reducer', () => {
  it('inserts a new task where the sort puts it', () => {
    const a = task({ priority: 'low' });
    const b = task({ priority: 'urgent' });
    let map = mapOf(a, b);
    const c = task({ priority: 'high' });
    map = applyChange(map, change('task.upserted', c.id, c));
    expect(ids(visibleTasks(map, f({ sort: '-priority' })))).toEqual([b.id, c.id, a.id]);
    expect(ids(visibleTasks(map, f({ sort: '-created' })))).toEqual([c.id, b.id, a.id]);
  });

  it('replaces by id and never goes back to an older version', () => {
    const a = task({ title: 'old' });
    let map = mapOf(a);
    map = applyChange(map, change('task.upserted', a.id, { ...a, title: 'new', version: 3 }));
    expect(map[a.id].title).toBe('new');
    const same = applyChange(map, change('task.upserted', a.id, { ...a, title: 'stale', version: 2 }));
    expect(same).toBe(map);
    expect(same[a.id].title).toBe('new');
  });

  it('removes a deleted task and ignores unknown ids and other kinds', () => {
    const a = task();
    const b = task();
    let map = mapOf(a, b);
    map = applyChange(map, change('task.deleted', a.id, { id: a.id }));
    expect(Object.keys(map)).toEqual([b.id]);
    expect(applyChange(map, change('task.deleted', 'nope', {}))).toBe(map);
    expect(applyChange(map, change('notification.created', 'n1', { title: 'x' }))).toBe(map);
    expect(applyChange(map, change('task.upserted', 'x', { bogus: true }))).toBe(map);
  });

  it('a task that stops matching the filters leaves the view, and comes back', () => {
    const a = task({ tags: ['work'] });
    let map = mapOf(a, task());
    const open = f({ status: 'open', tag: 'work' });
    expect(ids(visibleTasks(map, open))).toEqual([a.id]);
    map = applyChange(map, change('task.upserted', a.id, { ...a, completed: true, completedAt: a.createdAt, version: 2 }));
    expect(visibleTasks(map, open)).toEqual([]);
    expect(ids(visibleTasks(map, f({ status: 'completed' })))).toEqual([a.id]);
    map = applyChange(map, change('task.upserted', a.id, { ...a, version: 3 }));
    expect(ids(visibleTasks(map, open))).toEqual([a.id]);
  });

  it('filters by priority, tag and search text (title and description, any case)', () => {
    const a = task({ title: 'Quarterly REPORT', priority: 'high', tags: ['work'] });
    const b = task({ title: 'Groceries', description: 'milk and the report paper', tags: ['home'] });
    const c = task({ title: 'Call', priority: 'high', tags: ['home'] });
    const map = mapOf(a, b, c);
    expect(ids(visibleTasks(map, f({ q: 'report', sort: 'created' })))).toEqual([a.id, b.id]);
    expect(ids(visibleTasks(map, f({ priority: 'high', sort: 'created' })))).toEqual([a.id, c.id]);
    expect(ids(visibleTasks(map, f({ tag: 'home', priority: 'high' })))).toEqual([c.id]);
  });

  it('hides tasks waiting for their delete', () => {
    const a = task();
    const b = task();
    expect(ids(visibleTasks(mapOf(a, b), f({ sort: 'created' }), new Set([a.id])))).toEqual([b.id]);
  });
});

describe('sort', () => {
  it('puts tasks without a due date last in both directions, like the server', () => {
    const none = task();
    const early = task({ dueAt: '2026-02-01T09:00:00Z' });
    const late = task({ dueAt: '2026-03-01T09:00:00Z' });
    const list = [none, late, early];
    expect(ids([...list].sort(comparator('due')))).toEqual([early.id, late.id, none.id]);
    expect(ids([...list].sort(comparator('-due')))).toEqual([late.id, early.id, none.id]);
  });

  it('breaks ties by id in the direction of the sort', () => {
    const a = task({ id: 'a', priority: 'high' });
    const b = task({ id: 'b', priority: 'high' });
    expect(ids([b, a].sort(comparator('priority')))).toEqual(['a', 'b']);
    expect(ids([a, b].sort(comparator('-priority')))).toEqual(['b', 'a']);
  });

  it('sorts titles without regard to case', () => {
    const x = task({ title: 'banana' });
    const y = task({ title: 'Apple' });
    const z = task({ title: 'cherry' });
    expect([x, y, z].sort(comparator('title')).map((t) => t.title)).toEqual(['Apple', 'banana', 'cherry']);
  });
});
