// What the service worker does with a push message, without the worker:
// read the decrypted JSON the notifier sent, make the notification, and
// turn a click on one of its buttons into an API request. Kept apart from
// the page's modules so the worker's bundle holds only this.

/** A reminder as the notifier sends it (components/notifier/src/push.rs). */
export interface ReminderMessage {
  kind: 'reminder';
  notificationId: string;
  reminderId: string;
  taskId: string;
  title: string;
  body: string;
  url: string;
}

/** Several reminders held during quiet hours, sent when they end. */
export interface DigestMessage {
  kind: 'digest';
  notificationId: string;
  title: string;
  body: string;
  url: string;
}

export type PushMessage = ReminderMessage | DigestMessage;

export const SNOOZE_MINUTES = 10;

/** The message, or null when it is not one this app sent. */
export function readMessage(raw: unknown): PushMessage | null {
  if (!raw || typeof raw !== 'object') return null;
  const m = raw as Record<string, unknown>;
  const text = (k: string) => (typeof m[k] === 'string' ? (m[k] as string) : null);
  const id = text('notificationId');
  const title = text('title');
  if (!id || title === null) return null;
  const url = text('url') ?? '/';
  // Only a path of this app: a message must not send anyone elsewhere.
  const common = { notificationId: id, title, body: text('body') ?? '', url: url.startsWith('/') && !url.startsWith('//') ? url : '/' };
  if (m.kind === 'digest') return { kind: 'digest', ...common };
  const [reminderId, taskId] = [text('reminderId'), text('taskId')];
  if (m.kind !== 'reminder' || !reminderId || !taskId) return null;
  return { kind: 'reminder', reminderId, taskId, ...common };
}

export interface NotificationAction {
  action: string;
  title: string;
}

/** The notification for a message: one per reminder (its tag), with Done and Snooze; a digest has no buttons. */
export function notificationFor(m: PushMessage): { title: string; options: NotificationOptions & { actions: NotificationAction[] } } {
  return {
    title: m.title || 'Reminder',
    options: {
      body: m.body,
      tag: m.notificationId,
      data: m,
      actions:
        m.kind === 'reminder'
          ? [
              { action: 'done', title: 'Done' },
              { action: 'snooze', title: `Snooze ${SNOOZE_MINUTES} min` },
            ]
          : [],
    },
  };
}

export interface ActionRequest {
  method: 'POST';
  path: string;
  body?: unknown;
}

/** The API call behind a notification button; null for a click on the notification itself. */
export function actionRequest(m: PushMessage, action: string): ActionRequest | null {
  if (m.kind !== 'reminder') return null;
  switch (action) {
    case 'done':
      return { method: 'POST', path: `/tasks/${encodeURIComponent(m.taskId)}/complete` };
    case 'snooze':
      return { method: 'POST', path: `/reminders/${encodeURIComponent(m.reminderId)}/snooze`, body: { minutes: SNOOZE_MINUTES } };
    default:
      return null;
  }
}
