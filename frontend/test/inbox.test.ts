import { describe, expect, it } from 'vitest';
import { applyNotificationChange, applySuggestionChange } from '../src/inbox';
import type { Notification, Suggestion } from '../src/types';
import { change } from './changes';

function suggestion(id: string, status = 'open'): Suggestion {
  return {
    id,
    taskId: `task-${id}`,
    type: 'overdue',
    message: `“Task ${id}” was due yesterday. Move it to Fri 27 Nov, 09:00 or mark it done?`,
    status,
    action: { type: 'reschedule', taskId: `task-${id}`, dueAt: '2026-11-27T08:00:00.000Z' },
    createdAt: '2026-11-26T10:00:00.000Z',
  };
}

describe('suggestions from the change feed', () => {
  it('adds a new open suggestion first', () => {
    const list = applySuggestionChange([suggestion('a')], change('suggestion.upserted', 'b', suggestion('b')));
    expect(list.map((s) => s.id)).toEqual(['b', 'a']);
  });

  it('does not list the same suggestion twice', () => {
    const list = applySuggestionChange([suggestion('a')], change('suggestion.upserted', 'a', suggestion('a')));
    expect(list).toHaveLength(1);
  });

  it('drops a suggestion closed elsewhere (dismissed, accepted, resolved)', () => {
    for (const status of ['dismissed', 'accepted', 'resolved']) {
      const list = applySuggestionChange(
        [suggestion('a'), suggestion('b')],
        change('suggestion.upserted', 'a', suggestion('a', status)),
      );
      expect(list.map((s) => s.id)).toEqual(['b']);
    }
  });

  it('ignores other kinds and malformed payloads', () => {
    const list = [suggestion('a')];
    expect(applySuggestionChange(list, change('task.upserted', 'a', suggestion('a', 'resolved')))).toBe(list);
    expect(applySuggestionChange(list, change('suggestion.upserted', 'a', { id: 'a' }))).toBe(list);
  });
});

describe('notifications from the change feed', () => {
  const unread: Notification = {
    id: 'n1',
    title: 'Write report',
    body: 'Reminder: Write report',
    createdAt: '2026-11-26T09:00:00.000Z',
    readAt: null,
  };

  it('a new one goes first, once, and is announced once', () => {
    const c = change('notification.created', 'n2', { title: 'Pay rent', body: 'Reminder: Pay rent' });
    const first = applyNotificationChange([unread], c);
    expect(first.list.map((n) => n.id)).toEqual(['n2', 'n1']);
    expect(first.created?.body).toBe('Reminder: Pay rent');
    const again = applyNotificationChange(first.list, c);
    expect(again.list).toHaveLength(2);
    expect(again.created).toBeNull();
  });

  it('read on another device: marked read here', () => {
    const c = change('notification.read', 'n1', { id: 'n1', readAt: '2026-11-26T10:05:00.000Z' });
    const { list, created } = applyNotificationChange([unread], c);
    expect(list[0].readAt).toBe('2026-11-26T10:05:00.000Z');
    expect(created).toBeNull();
  });

  it('a read time already known is kept', () => {
    const read = { ...unread, readAt: '2026-11-26T09:30:00.000Z' };
    const { list } = applyNotificationChange([read], change('notification.read', 'n1', { readAt: 'later' }));
    expect(list[0].readAt).toBe('2026-11-26T09:30:00.000Z');
  });
});
