// The side panels' lists kept current from the change feed: suggestions the
// agents make or close, notifications that arrive or are read elsewhere.

import type { Change, Notification, Suggestion } from './types';

function isSuggestion(v: unknown): v is Suggestion {
  const s = v as Suggestion;
  return !!s && typeof s.id === 'string' && typeof s.status === 'string' && typeof s.message === 'string';
}

/** An open suggestion is added (newest first) or replaced; a closed one leaves the list. */
export function applySuggestionChange(list: Suggestion[], change: Change): Suggestion[] {
  if (change.kind !== 'suggestion.upserted' || !isSuggestion(change.data)) return list;
  const s = change.data;
  const rest = list.filter((x) => x.id !== s.id);
  return s.status === 'open' ? [s, ...rest] : rest;
}

/**
 * A new notification goes first, once; a read one gets its read time. Answers
 * the list and the notification that is new, if one is (to announce it).
 */
export function applyNotificationChange(
  list: Notification[],
  change: Change,
): { list: Notification[]; created: Notification | null } {
  const d = (change.data ?? {}) as Partial<Notification>;
  if (change.kind === 'notification.created' && !list.some((n) => n.id === change.entityId)) {
    const n: Notification = {
      id: change.entityId,
      reminderId: d.reminderId,
      taskId: d.taskId,
      title: d.title ?? '',
      body: d.body ?? d.title ?? 'Reminder',
      createdAt: change.createdAt,
      readAt: null,
    };
    return { list: [n, ...list], created: n };
  }
  if (change.kind === 'notification.read') {
    const readAt = d.readAt ?? change.createdAt;
    return {
      list: list.map((n) => (n.id === change.entityId && !n.readAt ? { ...n, readAt } : n)),
      created: null,
    };
  }
  return { list, created: null };
}
