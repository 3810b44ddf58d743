import { describe, expect, it } from 'vitest';
import {
  entriesFromChanges,
  entriesFromTurns,
  entryFromResponse,
  pendingChoices,
  withEntries,
  withOutcome,
  type ChatEntry,
} from '../src/chat';
import type { Suggestion } from '../src/types';
import { change } from './changes';

const suggestion = (id: string, status = 'open'): Suggestion => ({
  id,
  taskId: 't1',
  type: 'overdue',
  message: '“Report” was due yesterday. Move it to Fri 27 Nov, 09:00 or mark it done?',
  status,
  action: { type: 'reschedule', taskId: 't1', dueAt: '2026-11-27T08:00:00.000Z' },
  createdAt: '2026-11-26T10:00:00.000Z',
});

describe('the conversation', () => {
  it('shows stored turns in order, user and assistant', () => {
    const entries = entriesFromTurns({
      id: 'c1',
      pending: null,
      turns: [
        { seq: 0, role: 'user', text: 'add milk', actions: [], createdAt: '' },
        { seq: 1, role: 'assistant', text: 'Added “Milk”.', actions: [], createdAt: '' },
      ],
    });
    expect(entries.map((e) => [e.kind, e.text])).toEqual([
      ['user', 'add milk'],
      ['assistant', 'Added “Milk”.'],
    ]);
  });

  it('keeps how the parser read a message, so a misreading is visible', () => {
    const e = entryFromResponse(
      { reply: 'Added.', conversationId: 'c', actions: [], source: 'parser', explanation: 'Add task “Milk”' },
      'r1',
    );
    expect(e).toMatchObject({ kind: 'assistant', readAs: 'Add task “Milk”' });
  });

  it('brings fired reminders and new advice in once, and leaves closed advice out', () => {
    const reminder = change('notification.created', 'n1', {
      title: 'Report',
      body: 'Reminder: Report is due at 10:00',
      taskId: 't1',
      reminderId: 'r1',
    });
    let entries: ChatEntry[] = [];
    entries = entriesFromChanges(entries, [reminder, change('suggestion.upserted', 's1', suggestion('s1'))]);
    entries = entriesFromChanges(entries, [reminder, change('suggestion.upserted', 's2', suggestion('s2', 'dismissed'))]);
    expect(entries.map((e) => e.id)).toEqual(['notification-n1', 'suggestion-s1']);
    expect(entries[0]).toMatchObject({ kind: 'reminder', taskId: 't1', reminderId: 'r1' });
    expect(entriesFromChanges(entries, [change('task.upserted', 't1', {})])).toBe(entries);
    // Advice closed elsewhere says so, and loses its buttons.
    const closed = entriesFromChanges(entries, [change('suggestion.upserted', 's1', suggestion('s1', 'accepted'))]);
    expect(closed[1]).toMatchObject({ outcome: 'Accepted' });
    // An outcome chosen here is not overwritten by the change it caused.
    const here = withOutcome(entries, 'suggestion-s1', 'Dismissed');
    expect(entriesFromChanges(here, [change('suggestion.upserted', 's1', suggestion('s1', 'dismissed'))])[1]).toMatchObject({
      outcome: 'Dismissed',
    });
  });

  it('records what was done about a reminder without touching other entries', () => {
    const entries = withEntries(
      [{ kind: 'user', id: 'u', text: 'hi' }],
      [{ kind: 'reminder', id: 'notification-n1', text: 'Report' }],
    );
    const next = withOutcome(entries, 'notification-n1', 'Snoozed for 10 minutes');
    expect(next[1]).toMatchObject({ outcome: 'Snoozed for 10 minutes' });
    expect(next[0]).toBe(entries[0]);
  });

  it('offers yes/no for a confirmation and numbered choices for several tasks', () => {
    expect(
      pendingChoices({ type: 'confirm', action: 'delete_task', taskId: 't', title: 'X', question: 'Delete “X”?' }),
    ).toEqual([
      { label: 'Yes', message: 'yes' },
      { label: 'No', message: 'no' },
    ]);
    expect(
      pendingChoices({
        type: 'choose',
        action: 'complete_task',
        candidates: [
          { id: 'a', title: 'Report A' },
          { id: 'b', title: 'Report B' },
        ],
        question: 'Which one?',
      }).map((c) => c.message),
    ).toEqual(['1', '2']);
    expect(pendingChoices(null)).toEqual([]);
  });
});
