// The assistant's conversation as the panel shows it: the user's messages,
// the assistant's replies (with the tasks they touched and the question
// they wait on), and what arrives unasked through the change feed: a
// reminder that fired, advice an agent made. Pure: the panel and app.ts
// do the requests.

import type { Change, Notification, Suggestion, Task } from './types';

/** One thing the assistant did, as `POST /chat` reports it. */
export interface ChatAction {
  type: string;
  taskId: string;
  title: string;
  task?: Task;
}

/** What the conversation waits for: yes/no, or which of several tasks. */
export type ChatPending =
  | { type: 'confirm'; action: string; taskId: string; title: string; question: string }
  | { type: 'choose'; action: string; candidates: { id: string; title: string }[]; question: string };

export interface ChatResponse {
  reply: string;
  conversationId: string;
  actions: ChatAction[];
  pending?: ChatPending;
  source: 'parser' | 'model';
  explanation?: string;
}

export interface ConversationTurn {
  seq: number;
  role: 'user' | 'assistant';
  text: string;
  actions: ChatAction[];
  createdAt: string;
}

export interface Conversation {
  id: string;
  pending: ChatPending | null;
  turns: ConversationTurn[];
}

export type ChatEntry =
  | { kind: 'user'; id: string; text: string }
  | {
      kind: 'assistant';
      id: string;
      text: string;
      actions: ChatAction[];
      /** How the message was read, so a misreading is visible. */
      readAs?: string;
      /** Its actions were undone from the conversation. */
      undone?: boolean;
    }
  | { kind: 'reminder'; id: string; text: string; taskId?: string; reminderId?: string; outcome?: string }
  | { kind: 'suggestion'; id: string; text: string; suggestion: Suggestion; outcome?: string };

export interface ChatState {
  conversationId: string | null;
  entries: ChatEntry[];
  /** The question the last reply asked; answered by its buttons or by typing. */
  pending: ChatPending | null;
  sending: boolean;
  loaded: boolean;
}

export const EMPTY_CHAT: ChatState = { conversationId: null, entries: [], pending: null, sending: false, loaded: false };

/** The conversation is kept across reloads, per browser. */
export const CONVERSATION_KEY = 'tm.conversation';

/** The entries of a stored conversation, oldest first. */
export function entriesFromTurns(c: Conversation): ChatEntry[] {
  return c.turns.map((t) =>
    t.role === 'user'
      ? { kind: 'user', id: `turn-${c.id}-${t.seq}`, text: t.text }
      : { kind: 'assistant', id: `turn-${c.id}-${t.seq}`, text: t.text, actions: t.actions ?? [] },
  );
}

/** The entry for one answer of `POST /chat`. */
export function entryFromResponse(r: ChatResponse, id: string): ChatEntry {
  return { kind: 'assistant', id, text: r.reply, actions: r.actions ?? [], readAs: r.explanation };
}

/** A reminder that fired, as the conversation shows it. */
export function reminderEntry(id: string, n: Partial<Notification>): ChatEntry {
  return {
    kind: 'reminder',
    id: `notification-${id}`,
    text: n.body || n.title || 'Reminder',
    taskId: n.taskId,
    reminderId: n.reminderId,
  };
}

/** Advice an agent made, as the conversation shows it. */
export function suggestionEntry(s: Suggestion): ChatEntry {
  return { kind: 'suggestion', id: `suggestion-${s.id}`, text: s.message, suggestion: s };
}

/** Appends the entries not already there (by id), so nothing shows twice. */
export function withEntries(entries: ChatEntry[], more: ChatEntry[]): ChatEntry[] {
  const seen = new Set(entries.map((e) => e.id));
  const fresh = more.filter((e) => !seen.has(e.id) && seen.add(e.id));
  return fresh.length ? [...entries, ...fresh] : entries;
}

/**
 * What the change feed brings into the conversation: a reminder that fired
 * and advice an agent has just made. A replayed change adds nothing twice.
 */
export function entriesFromChanges(entries: ChatEntry[], changes: Change[]): ChatEntry[] {
  let out = entries;
  for (const c of changes) {
    if (c.kind === 'notification.created') {
      out = withEntries(out, [reminderEntry(c.entityId, (c.data ?? {}) as Partial<Notification>)]);
    } else if (c.kind === 'suggestion.upserted') {
      const s = c.data as Suggestion | null;
      if (!s || typeof s.message !== 'string') continue;
      if (s.status === 'open') out = withEntries(out, [suggestionEntry(s)]);
      else out = withOutcome(out, `suggestion-${s.id}`, CLOSED[s.status] ?? 'Closed', false);
    }
  }
  return out;
}

/** How advice closed elsewhere (another device, the task changed) reads. */
const CLOSED: Record<string, string> = { accepted: 'Accepted', dismissed: 'Dismissed', resolved: 'No longer needed' };

/** Marks what was done about a reminder or a suggestion in the conversation. */
export function withOutcome(entries: ChatEntry[], id: string, outcome: string, replace = true): ChatEntry[] {
  const i = entries.findIndex((e) => e.id === id);
  const e = entries[i];
  if (!e || (e.kind !== 'reminder' && e.kind !== 'suggestion') || (e.outcome && !replace)) return entries;
  const next = entries.slice();
  next[i] = { ...e, outcome };
  return next;
}

/** What of a reply's actions one click can undo: added, completed, reopened. */
export function undoable(actions: ChatAction[]): ChatAction[] {
  return actions.filter((a) => ['task.created', 'task.completed', 'task.reopened'].includes(a.type));
}

/** Marks a reply's actions as undone. */
export function withUndone(entries: ChatEntry[], id: string): ChatEntry[] {
  return entries.map((e) => (e.id === id && e.kind === 'assistant' ? { ...e, undone: true } : e));
}

/** The short answers a pending question offers as buttons. */
export function pendingChoices(p: ChatPending | null): { label: string; message: string }[] {
  if (!p) return [];
  if (p.type === 'confirm') {
    return [
      { label: 'Yes', message: 'yes' },
      { label: 'No', message: 'no' },
    ];
  }
  return p.candidates.map((c, i) => ({ label: c.title, message: String(i + 1) }));
}

/** Words for an action, for the links under a reply. */
export function actionLabel(a: ChatAction): string {
  const verb: Record<string, string> = {
    'task.created': 'Created',
    'task.updated': 'Changed',
    'task.completed': 'Completed',
    'task.reopened': 'Reopened',
    'task.deleted': 'Deleted',
    'reminder.created': 'Reminder on',
    'reminder.snoozed': 'Snoozed',
    'series.stopped': 'Stopped repeating',
    'series.resumed': 'Repeating again',
  };
  return `${verb[a.type] ?? 'Changed'} “${a.title}”`;
}
