// The application's state and every action the screens take.

import { ApiError, createApi, messageOf } from './api';
import {
  CONVERSATION_KEY,
  EMPTY_CHAT,
  entriesFromChanges,
  entriesFromTurns,
  entryFromResponse,
  reminderEntry,
  suggestionEntry,
  withEntries,
  withOutcome,
  withUndone,
  type ChatAction,
  type ChatResponse,
  type ChatState,
  type Conversation,
} from './chat';
import { browserTimezone } from './dates';
import { applyNotificationChange, applySuggestionChange } from './inbox';
import { applyListChange, INBOX, listMapOf, type ListMap } from './lists';
import type { Plain, Reading } from './quickread';
import { createStore } from './store';
import { LiveSync, type SyncStatus } from './sync';
import {
  applyChange,
  DEFAULT_FILTERS,
  dueOnDay,
  removeTask,
  upsertTask,
  type Clock,
  type Filters,
  type TaskMap,
  type View,
} from './tasks';
import type { Change, List, Notification, Settings, Suggestion, Task, User } from './types';

export type Route = 'signin' | 'signup' | 'tasks' | 'settings' | 'connect';
export type Panel = null | 'notifications' | 'suggestions' | 'assistant';

export interface Toast {
  id: string;
  message: string;
  kind: 'info' | 'error';
  action?: { label: string; run: () => void };
}

export interface AppState {
  phase: 'loading' | 'signedOut' | 'ready';
  route: Route;
  user: User | null;
  settings: Settings | null;
  tasks: TaskMap;
  lists: ListMap;
  filters: Filters;
  /** Deleted in the UI, waiting for the undo window to pass. */
  hidden: ReadonlySet<string>;
  suggestions: Suggestion[];
  notifications: Notification[];
  toasts: Toast[];
  sync: SyncStatus;
  selectedId: string | null;
  editingId: string | null;
  /** A repeating task whose Delete asks "only this one, or this and all future?". */
  askDeleteId: string | null;
  openId: string | null;
  panel: Panel;
  /** The assistant's conversation (the panel labelled "Assistant"). */
  chat: ChatState;
  helpOpen: boolean;
  now: number;
}

export const store = createStore<AppState>({
  phase: 'loading',
  route: 'tasks',
  user: null,
  settings: null,
  tasks: {},
  lists: {},
  filters: { ...DEFAULT_FILTERS, ...placeInUrl() },
  hidden: new Set(),
  suggestions: [],
  notifications: [],
  toasts: [],
  sync: 'idle',
  selectedId: null,
  editingId: null,
  askDeleteId: null,
  openId: null,
  panel: null,
  chat: EMPTY_CHAT,
  helpOpen: false,
  now: Date.now(),
});

export const api = createApi({ onUnauthorized: () => signedOut() });

export const tz = () => store.get().settings?.timezone || browserTimezone();

// ------------------------------------------------------------------ routing

const PATHS: Record<Route, string> = {
  signin: '/signin',
  signup: '/signup',
  tasks: '/',
  settings: '/settings',
  connect: '/connect',
};

/** What a tasks URL shows: a view (`/?view=today`), a list (`/?list=<id>`, `/?list=inbox`) or everything (`/`). */
function placeInUrl(): { view: View; list: string } {
  const q = new URLSearchParams(location.search);
  const view = q.get('view');
  const known = view === 'today' || view === 'upcoming' || view === 'repeating';
  return { view: known ? view : '', list: q.get('list') ?? '' };
}

function routeOf(path: string): Route {
  if (path.startsWith('/signup')) return 'signup';
  if (path.startsWith('/signin')) return 'signin';
  if (path.startsWith('/settings')) return 'settings';
  if (path === '/connect') return 'connect';
  return 'tasks';
}

export function navigate(route: Route, replace = false): void {
  const path = PATHS[route];
  if (location.pathname !== path) {
    if (replace) history.replaceState(null, '', path);
    else history.pushState(null, '', path);
  }
  store.set({ route });
}

// ------------------------------------------------------------------ toasts

let toastSeq = 0;
const toastTimers = new Map<string, ReturnType<typeof setTimeout>>();

export function toast(message: string, opts: Partial<Omit<Toast, 'message'>> & { ms?: number } = {}): string {
  const id = opts.id ?? `t${++toastSeq}`;
  const t: Toast = { id, message, kind: opts.kind ?? 'info', action: opts.action };
  store.set((s) => ({ toasts: [...s.toasts.filter((x) => x.id !== id), t].slice(-3) }));
  clearTimeout(toastTimers.get(id));
  toastTimers.set(
    id,
    setTimeout(() => dismissToast(id), opts.ms ?? (t.kind === 'error' ? 8000 : 3000)),
  );
  return id;
}

export function dismissToast(id: string): void {
  clearTimeout(toastTimers.get(id));
  toastTimers.delete(id);
  store.set((s) => ({ toasts: s.toasts.filter((x) => x.id !== id) }));
}

export const fail = (e: unknown) => toast(messageOf(e), { kind: 'error' });

// ------------------------------------------------------------------ session

const sync = new LiveSync({
  api,
  onChanges: applyChanges,
  onReload: reloadAll,
  onStatus: (s) => store.set({ sync: s }),
  onSignedOut: () => signedOut(),
});

export async function boot(): Promise<void> {
  const route = routeOf(location.pathname);
  store.set({ route });
  addEventListener('popstate', () =>
    store.set((s) => ({ route: routeOf(location.pathname), filters: { ...s.filters, ...placeInUrl() } })),
  );
  addEventListener('online', () => sync.cameOnline());
  addEventListener('offline', () => sync.wentOffline());
  addEventListener('pagehide', flushDeletes);
  setInterval(() => store.set({ now: Date.now() }), 30_000);
  try {
    const me = await api.get<{ user: User; settings: Settings }>('/auth/me');
    await enter(me.user, me.settings);
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) signedOut();
    else {
      store.set({ phase: 'signedOut' });
      navigate('signin', true);
      fail(e);
    }
  }
}

async function enter(user: User, settings: Settings | null): Promise<void> {
  if (!settings) settings = await api.get<Settings>('/settings');
  store.set({ user, settings, phase: 'ready' });
  const route = store.get().route;
  if (route === 'signin' || route === 'signup') navigate('tasks', true);
  const cursor = await reloadAll();
  sync.start(cursor);
  if (!performance.getEntriesByName('tasks-ready').length) {
    requestAnimationFrame(() => performance.mark('tasks-ready'));
  }
}

/** Takes the feed's cursor first, then loads: nothing written in between is missed. */
async function reloadAll(): Promise<number> {
  const { cursor } = await api.get<{ cursor: number }>('/changes');
  const [tasks, lists] = await Promise.all([loadAllTasks(), loadLists(), loadNotifications(), loadSuggestions()]);
  store.set({ tasks, lists });
  return cursor;
}

async function loadAllTasks(): Promise<TaskMap> {
  const map: Record<string, Task> = {};
  let cursor: string | null = null;
  do {
    const q: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const page: { items: Task[]; nextCursor: string | null } = await api.get(`/tasks?limit=100&sort=created${q}`);
    for (const t of page.items) map[t.id] = t;
    cursor = page.nextCursor;
  } while (cursor);
  return map;
}

async function loadLists(): Promise<ListMap> {
  const { items } = await api.get<{ items: List[] }>('/lists');
  return listMapOf(items);
}

export async function loadNotifications(): Promise<void> {
  try {
    const { items } = await api.get<{ items: Notification[] }>('/notifications');
    store.set({ notifications: items });
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 401)) console.warn('notifications', e);
  }
}

export async function loadSuggestions(): Promise<void> {
  try {
    const { items } = await api.get<{ items: Suggestion[] }>('/suggestions');
    store.set({ suggestions: items });
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 401)) console.warn('suggestions', e);
  }
}

function signedOut(): void {
  sync.stop();
  store.set({
    phase: 'signedOut',
    user: null,
    settings: null,
    tasks: {},
    lists: {},
    suggestions: [],
    notifications: [],
    hidden: new Set(),
    selectedId: null,
    editingId: null,
    askDeleteId: null,
    openId: null,
    panel: null,
    chat: EMPTY_CHAT,
  });
  const r = store.get().route;
  // The consent page signs the user in where it stands, keeping the app's request.
  if (r !== 'signin' && r !== 'signup' && r !== 'connect') navigate('signin', true);
}

export async function signIn(email: string, password: string): Promise<void> {
  const r = await api.post<{ user: User }>('/auth/signin', { email, password }, { session: false });
  await enter(r.user, null);
}

export async function signUp(email: string, password: string, name: string): Promise<void> {
  const body: Record<string, string> = { email, password };
  if (name.trim()) body.name = name.trim();
  const r = await api.post<{ user: User }>('/auth/signup', body, { session: false });
  // New accounts start in the browser's timezone.
  const zone = browserTimezone();
  let settings: Settings | null = null;
  if (zone && zone !== 'UTC') {
    try {
      settings = await api.patch<Settings>('/settings', { timezone: zone });
    } catch {
      /* keep the default */
    }
  }
  await enter(r.user, settings);
}

export async function signOut(): Promise<void> {
  flushDeletes();
  try {
    await api.post('/auth/signout');
  } catch {
    /* signed out either way */
  }
  signedOut();
}

// ------------------------------------------------------------------ live changes

function applyChanges(items: Change[]): void {
  let { tasks, lists, filters, hidden, notifications, suggestions, chat } = store.get();
  for (const c of items) {
    tasks = applyChange(tasks, c);
    lists = applyListChange(lists, c);
    // A list deleted elsewhere while shown here: show every list instead.
    if (c.kind === 'list.deleted' && filters.list === c.entityId) {
      filters = { ...filters, list: '' };
      history.replaceState(null, '', '/');
    }
    if (c.kind === 'task.deleted' && hidden.has(c.entityId)) {
      cancelPendingDelete(c.entityId);
      hidden = withoutId(hidden, c.entityId);
    }
    suggestions = applySuggestionChange(suggestions, c);
    const inbox = applyNotificationChange(notifications, c);
    notifications = inbox.list;
    if (inbox.created) toast(inbox.created.body, { id: `n-${inbox.created.id}`, ms: 8000 });
  }
  // Reminders and advice also come into the conversation, with their actions.
  chat = { ...chat, entries: entriesFromChanges(chat.entries, items) };
  store.set({ tasks, lists, filters, hidden, notifications, suggestions, chat });
}

function withoutId(set: ReadonlySet<string>, id: string): Set<string> {
  const next = new Set(set);
  next.delete(id);
  return next;
}

const putTask = (t: Task) => store.set((s) => ({ tasks: upsertTask(s.tasks, t) }));

// ------------------------------------------------------------------ tasks

/** How the assistant's parser reads quick-add text; nothing is saved. */
export function readQuickAdd(text: string, plain: Plain[], signal?: AbortSignal): Promise<Reading> {
  const body = plain.length ? { text, plain: plain.map((p) => [p.start, p.end]) } : { text };
  return api.post<Reading>('/chat/preview', body, { signal });
}

/**
 * Creates a task from its POST /tasks body, then its reminders. The task is
 * kept when a reminder is refused; the user is told why.
 */
export async function createFromBody(body: Record<string, unknown>, reminders: Record<string, unknown>[]): Promise<Task> {
  const task = await api.post<Task>('/tasks', body);
  putTask(task);
  // A misread task is taken back in one step.
  toast(`Added “${task.title}”`, {
    id: `added-${task.id}`,
    ms: UNDO_MS,
    action: { label: 'Undo', run: () => void takeBack(task.id).catch(fail) },
  });
  for (const r of reminders) {
    try {
      await api.post(`/tasks/${task.id}/reminders`, r);
    } catch (e) {
      toast(`Reminder not added: ${messageOf(e)}`, { kind: 'error' });
    }
  }
  return task;
}

export async function updateTask(task: Task, patch: Record<string, unknown>): Promise<Task> {
  try {
    const next = await api.patch<Task>(`/tasks/${task.id}`, { ...patch, version: task.version });
    putTask(next);
    return next;
  } catch (e) {
    if (e instanceof ApiError && (e.status === 409 || e.status === 412)) void refreshTask(task.id);
    throw e;
  }
}

async function refreshTask(id: string): Promise<void> {
  try {
    putTask(await api.get<Task>(`/tasks/${id}`));
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) store.set((s) => ({ tasks: removeTask(s.tasks, id) }));
  }
}

/** Completes or reopens a task on the server and keeps its answer. */
async function setCompletion(id: string, done: boolean): Promise<Task> {
  const task = await api.post<Task>(`/tasks/${id}/${done ? 'complete' : 'incomplete'}`);
  putTask(task);
  return task;
}

export async function toggleComplete(task: Task): Promise<void> {
  const done = !task.completed;
  // Show it at once; the answer (or the feed) brings the real version.
  store.set((s) => ({
    tasks: { ...s.tasks, [task.id]: { ...task, completed: done, completedAt: done ? new Date().toISOString() : null } },
  }));
  try {
    const next = await setCompletion(task.id, done);
    toast(done ? `Completed “${task.title}”` : `Reopened “${task.title}”`, {
      id: `done-${task.id}`,
      ms: UNDO_MS,
      action: { label: 'Undo', run: () => void toggleComplete(store.get().tasks[task.id] ?? next) },
    });
  } catch (e) {
    store.set((s) => ({ tasks: s.tasks[task.id] ? { ...s.tasks, [task.id]: task } : s.tasks }));
    fail(e);
  }
}

// Deleting waits for the undo window: the DELETE is sent only when the
// toast expires (or the page is closed), and Undo simply cancels it.
export const UNDO_MS = 5000;
const pendingDeletes = new Map<string, ReturnType<typeof setTimeout>>();
/** `?scope=this` for a repeating task's "only this one" (the series goes on). */
const deleteScopes = new Map<string, 'this' | 'following'>();
const deletePath = (id: string) => `/tasks/${id}${deleteScopes.has(id) ? `?scope=${deleteScopes.get(id)}` : ''}`;

/**
 * Deletes a task after the undo window. The open instance of a repeating
 * task first asks whether only this one goes (the series goes on) or this
 * and all future ones: `scope` is the answer.
 */
export function deleteTask(task: Task, scope?: 'this' | 'following'): void {
  if (pendingDeletes.has(task.id)) return;
  if (!scope && task.seriesId && !task.completed) {
    store.set({ askDeleteId: task.id, selectedId: task.id });
    return;
  }
  if (scope) deleteScopes.set(task.id, scope);
  store.set({ askDeleteId: null });
  const s = store.get();
  const hidden = new Set(s.hidden);
  hidden.add(task.id);
  store.set({
    hidden,
    selectedId: s.selectedId === task.id ? null : s.selectedId,
    editingId: s.editingId === task.id ? null : s.editingId,
    openId: s.openId === task.id ? null : s.openId,
  });
  pendingDeletes.set(
    task.id,
    setTimeout(() => void commitDelete(task.id), UNDO_MS),
  );
  toast(scope === 'this' ? `Skipped this “${task.title}”; the next one follows` : `Deleted “${task.title}”`, {
    id: `del-${task.id}`,
    ms: UNDO_MS,
    action: { label: 'Undo', run: () => undoDelete(task.id) },
  });
}

export function undoDelete(id: string): void {
  if (!cancelPendingDelete(id)) return;
  deleteScopes.delete(id);
  store.set((s) => ({ hidden: withoutId(s.hidden, id), selectedId: id }));
  dismissToast(`del-${id}`);
  toast('Task restored');
}

function cancelPendingDelete(id: string): boolean {
  const timer = pendingDeletes.get(id);
  if (!timer) return false;
  clearTimeout(timer);
  pendingDeletes.delete(id);
  return true;
}

async function commitDelete(id: string): Promise<void> {
  pendingDeletes.delete(id);
  const path = deletePath(id);
  deleteScopes.delete(id);
  try {
    await api.del(path);
    store.set((s) => ({ tasks: removeTask(s.tasks, id), hidden: withoutId(s.hidden, id) }));
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) {
      store.set((s) => ({ tasks: removeTask(s.tasks, id), hidden: withoutId(s.hidden, id) }));
      return;
    }
    store.set((s) => ({ hidden: withoutId(s.hidden, id) }));
    toast(`Could not delete: ${messageOf(e)}`, { kind: 'error' });
  }
}

function flushDeletes(): void {
  for (const [id, timer] of pendingDeletes) {
    clearTimeout(timer);
    void api.del(deletePath(id), { keepalive: true }).catch(() => undefined);
  }
  pendingDeletes.clear();
  deleteScopes.clear();
}

// ------------------------------------------------------------------ repeating series

/** A series as GET /recurrences answers it. */
export interface Series {
  id: string;
  rrule: string;
  mode: 'schedule' | 'completion';
  description: string;
  status: 'active' | 'stopped' | 'ended';
  exdates?: string[];
  instances: { taskId: string; index: number; dueAt: string | null; completedAt: string | null }[];
}

export async function loadSeries(): Promise<Series[]> {
  const { items } = await api.get<{ items: Series[] }>('/recurrences');
  return items;
}

/** Pauses (stop) or resumes a series; resuming creates the next instance when none is open. */
export async function setSeriesActive(series: Series, active: boolean): Promise<Series> {
  const next = await api.post<Series>(`/recurrences/${series.id}/${active ? 'resume' : 'stop'}`);
  await refreshInstances(next);
  return next;
}

/** Skips the open occurrence: the next one takes its place. */
export async function skipOccurrence(seriesId: string): Promise<Series> {
  const open = Object.values(store.get().tasks).find((t) => t.seriesId === seriesId && !t.completed);
  const next = await api.post<Series>(`/recurrences/${seriesId}/skip`);
  if (open) store.set((s) => ({ tasks: removeTask(s.tasks, open.id) }));
  await refreshInstances(next);
  const due = next.instances.find((i) => !i.completedAt)?.dueAt;
  toast(due ? 'Skipped; the next one is in the list' : 'Skipped; the series has no dates left');
  return next;
}

/** The series' newest instance as the server has it (the feed brings it too). */
async function refreshInstances(series: Series): Promise<void> {
  const latest = series.instances[0];
  if (latest) await refreshTask(latest.taskId);
}

// ------------------------------------------------------------------ suggestions, notifications

export async function acceptSuggestion(s: Suggestion): Promise<void> {
  try {
    const r = await api.post<{ suggestion: Suggestion; task: Task | null }>(`/suggestions/${s.id}/accept`);
    if (r.task) putTask(r.task);
    store.set((st) => ({ suggestions: st.suggestions.filter((x) => x.id !== s.id) }));
    toast('Suggestion applied');
  } catch (e) {
    if (e instanceof ApiError && e.status === 409) void loadSuggestions();
    fail(e);
  }
}

export async function dismissSuggestion(s: Suggestion): Promise<void> {
  try {
    await api.post(`/suggestions/${s.id}/dismiss`);
    store.set((st) => ({ suggestions: st.suggestions.filter((x) => x.id !== s.id) }));
  } catch (e) {
    if (e instanceof ApiError && e.status === 409) void loadSuggestions();
    fail(e);
  }
}

export async function markRead(n: Notification): Promise<void> {
  if (n.readAt) return;
  try {
    await api.post(`/notifications/${n.id}/read`);
    const at = new Date().toISOString();
    store.set((s) => ({ notifications: s.notifications.map((x) => (x.id === n.id ? { ...x, readAt: at } : x)) }));
  } catch (e) {
    fail(e);
  }
}

// ------------------------------------------------------------------ settings

export async function saveSettings(patch: Partial<Settings>): Promise<Settings> {
  const settings = await api.patch<Settings>('/settings', patch);
  store.set({ settings });
  return settings;
}

// ------------------------------------------------------------------ view state

export function setFilters(patch: Partial<Filters>): void {
  store.set((s) => ({ filters: { ...s.filters, ...patch } }));
}

/** Shows one list ('' for all, 'inbox' for the Inbox), with a URL of its own. */
export function showList(list: string): void {
  show(list ? `/?list=${encodeURIComponent(list)}` : '/', { list, view: '' });
}

/** Shows Today or Upcoming (across every list), with a URL of its own. */
export function showView(view: View): void {
  show(view ? `/?view=${view}` : '/', { view, list: '' });
}

function show(path: string, place: { view: View; list: string }): void {
  if (location.pathname + location.search !== path) history.pushState(null, '', path);
  store.set((s) => ({ route: 'tasks', filters: { ...s.filters, ...place } }));
}

export const clock = (): Clock => ({ now: store.get().now, tz: tz() });

/** Moves a task to another calendar day at the same time of day (Upcoming's drag and drop, `[` and `]`). */
export async function moveToDay(task: Task, day: number): Promise<void> {
  if (!task.dueAt) return;
  const dueAt = dueOnDay(task.dueAt, day, tz());
  if (!dueAt || dueAt === task.dueAt) return;
  try {
    await updateTask(task, { dueAt });
  } catch (e) {
    fail(e);
  }
}

// ------------------------------------------------------------------ lists

const putList = (l: List) => store.set((s) => ({ lists: { ...s.lists, [l.id]: l } }));

export async function createList(name: string, color: string | null): Promise<List> {
  const list = await api.post<List>('/lists', color ? { name, color } : { name });
  putList(list);
  return list;
}

export async function updateList(list: List, patch: Partial<Pick<List, 'name' | 'color' | 'archived'>>): Promise<List> {
  const next = await api.patch<List>(`/lists/${list.id}`, patch);
  putList(next);
  return next;
}

/** Deletes a list with its tasks (the caller has asked the user first). */
export async function deleteList(list: List): Promise<void> {
  await api.del(`/lists/${list.id}`);
  store.set((s) => {
    const lists = { ...s.lists };
    delete lists[list.id];
    const tasks = Object.fromEntries(Object.entries(s.tasks).filter(([, t]) => t.listId !== list.id));
    return { lists, tasks };
  });
  if (store.get().filters.list === list.id) showList('');
  toast(`Deleted the list “${list.name}”`);
}

/** The list quick add puts a task into: the one shown, unless it is the Inbox or every list. */
export function listShown(): string | null {
  const { filters, lists } = store.get();
  return filters.list && filters.list !== INBOX && lists[filters.list] ? filters.list : null;
}

// ------------------------------------------------------------------ the assistant

const setChat = (patch: Partial<ChatState> | ((c: ChatState) => Partial<ChatState>)) =>
  store.set((s) => ({ chat: { ...s.chat, ...(typeof patch === 'function' ? patch(s.chat) : patch) } }));

/** Opens the assistant's panel, loading the conversation kept from earlier visits. */
export async function openAssistant(): Promise<void> {
  store.set({ panel: 'assistant' });
  if (!store.get().chat.loaded) await loadChat();
}

async function loadChat(): Promise<void> {
  let conversation: Conversation | null = null;
  const id = localStorage.getItem(CONVERSATION_KEY);
  if (id) {
    try {
      conversation = await api.get<Conversation>(`/chat/conversations/${encodeURIComponent(id)}`);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) localStorage.removeItem(CONVERSATION_KEY);
      else console.warn('conversation', e);
    }
  }
  // What is still waiting for the user comes after the stored turns.
  const s = store.get();
  const waiting = [
    ...s.notifications.filter((n) => !n.readAt).map((n) => reminderEntry(n.id, n)),
    ...s.suggestions.map(suggestionEntry),
  ];
  setChat((c) => ({
    conversationId: conversation?.id ?? null,
    pending: conversation?.pending ?? null,
    entries: withEntries(withEntries(conversation ? entriesFromTurns(conversation) : [], waiting), c.entries),
    loaded: true,
  }));
}

let localIds = 0;

/** Sends a message; the reply, the tasks it touched and its question follow. */
export async function sendChat(text: string): Promise<boolean> {
  const message = text.trim();
  if (!message || store.get().chat.sending) return false;
  const id = `local-${++localIds}`;
  setChat((c) => ({ sending: true, pending: null, entries: [...c.entries, { kind: 'user', id, text: message }] }));
  const conversationId = store.get().chat.conversationId;
  try {
    const r = await api.post<ChatResponse>('/chat', conversationId ? { message, conversationId } : { message });
    localStorage.setItem(CONVERSATION_KEY, r.conversationId);
    let tasks = store.get().tasks;
    for (const a of r.actions) {
      if (a.type === 'task.deleted') tasks = removeTask(tasks, a.taskId);
      else if (a.task) tasks = upsertTask(tasks, a.task);
    }
    store.set({ tasks });
    setChat((c) => ({
      conversationId: r.conversationId,
      pending: r.pending ?? null,
      sending: false,
      entries: [...c.entries, entryFromResponse(r, `reply-${id}`)],
    }));
    return true;
  } catch (e) {
    if (e instanceof ApiError && e.status === 404 && conversationId) {
      // The conversation was pruned or belongs to a signed-out session: start anew.
      localStorage.removeItem(CONVERSATION_KEY);
      setChat((c) => ({ conversationId: null, sending: false, entries: c.entries.filter((x) => x.id !== id) }));
      return sendChat(message);
    }
    setChat({ sending: false });
    fail(e);
    return false;
  }
}

/** "Done" on a reminder in the conversation: completes its task. */
export async function completeFromChat(entryId: string, taskId: string): Promise<void> {
  try {
    await setCompletion(taskId, true);
    setChat((c) => ({ entries: withOutcome(c.entries, entryId, 'Marked done') }));
  } catch (e) {
    fail(e);
  }
}

/** "Snooze" on a reminder in the conversation. */
export async function snoozeFromChat(entryId: string, reminderId: string, minutes: number): Promise<void> {
  try {
    await api.post(`/reminders/${reminderId}/snooze`, { minutes });
    setChat((c) => ({ entries: withOutcome(c.entries, entryId, `Snoozed for ${minutes} minutes`) }));
  } catch (e) {
    fail(e);
  }
}

/** Accept or dismiss advice from the conversation. */
export async function answerSuggestionFromChat(entryId: string, s: Suggestion, accept: boolean): Promise<void> {
  await (accept ? acceptSuggestion(s) : dismissSuggestion(s));
  if (!store.get().suggestions.some((x) => x.id === s.id)) {
    setChat((c) => ({ entries: withOutcome(c.entries, entryId, accept ? 'Accepted' : 'Dismissed') }));
  }
}

/** Removes a task just added (quick add's and the assistant's Undo). */
async function takeBack(id: string): Promise<void> {
  await api.del(`/tasks/${id}`);
  store.set((s) => ({ tasks: removeTask(s.tasks, id) }));
}

/**
 * Undoes what one assistant reply did, where that is one request: a task
 * it added is removed, one it completed is reopened, one it reopened is
 * completed again; other actions are left as they are.
 */
export async function undoChatAction(entryId: string, a: ChatAction): Promise<void> {
  try {
    if (a.type === 'task.created') await takeBack(a.taskId);
    else if (a.type === 'task.completed') await setCompletion(a.taskId, false);
    else if (a.type === 'task.reopened') await setCompletion(a.taskId, true);
    else return;
    setChat((c) => ({ entries: withUndone(c.entries, entryId) }));
  } catch (e) {
    fail(e);
  }
}
