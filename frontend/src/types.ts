export type Priority = 'low' | 'medium' | 'high' | 'urgent';
export const PRIORITIES: Priority[] = ['low', 'medium', 'high', 'urgent'];

export interface Recurrence {
  rrule: string;
  mode?: 'schedule' | 'completion';
  timezone?: string;
  dtstart?: string;
  description?: string;
  seriesId?: string;
}

export interface Task {
  id: string;
  title: string;
  description: string;
  priority: Priority;
  dueAt: string | null;
  tags: string[];
  completed: boolean;
  completedAt: string | null;
  recurrence: Recurrence | null;
  seriesId?: string | null;
  /** The list the task is in; null (or absent, from older events) for the Inbox. */
  listId?: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** A list (project) of tasks; tasks in no list are in the Inbox. */
export interface List {
  id: string;
  name: string;
  color: string | null;
  archived: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface User {
  id: string;
  email: string;
  name: string;
  createdAt: string;
}

export interface Settings {
  timezone: string;
  agentsEnabled: boolean;
  inAppNotifications: boolean;
  webhookUrl: string | null;
  webhookSecret: string | null;
  /** Minutes before the due time of the reminder a task gets with its due time; null for none. */
  defaultReminderMinutes?: number | null;
  /** Reminders by email too; sent only once the address is confirmed by the link mailed to it. */
  emailReminders?: boolean;
  /** The account's address was confirmed through that link (read-only). */
  emailConfirmed?: boolean;
  /** A daily window (HH:MM, the user's zone) in which email and push wait, to go out in one digest at its end. */
  quietHours?: { start: string; end: string } | null;
  /** In the answer to a change that asked for email reminders before confirmation. */
  emailConfirmation?: 'sent' | 'not_sent';
}

export interface Suggestion {
  id: string;
  taskId: string | null;
  type: string;
  message: string;
  status: string;
  action?: { type?: string; taskId?: string; dueAt?: string } | null;
  createdAt: string;
}

export interface Notification {
  id: string;
  reminderId?: string;
  taskId?: string;
  title: string;
  body: string;
  createdAt: string;
  readAt: string | null;
}

export interface Reminder {
  id: string;
  taskId: string;
  beforeMinutes: number | null;
  at: string | null;
  fireAt: string | null;
  status: 'scheduled' | 'due' | 'delivered' | 'canceled' | 'failed' | 'dismissed';
  createdAt: string;
  updatedAt: string;
}

export type ChangeKind =
  | 'task.upserted'
  | 'task.deleted'
  | 'list.upserted'
  | 'list.deleted'
  | 'suggestion.upserted'
  | 'notification.created'
  | 'notification.read';

export interface Change {
  seq: number;
  kind: ChangeKind | string;
  entityId: string;
  data: unknown;
  createdAt: string;
}
