import { clock, deleteTask, moveToDay, navigate, openAssistant, store, toggleComplete, tz } from '../app';
import { dueDay, visibleTasks } from '../tasks';

export const SHORTCUTS: [string, string][] = [
  ['n', 'New task (focus quick add)'],
  ['a', 'Talk to the assistant'],
  ['/', 'Search'],
  ['j / k', 'Next / previous task'],
  ['x', 'Complete or reopen the selected task'],
  ['e', 'Edit the selected task'],
  ['o / Enter', 'Open details (reminders, repeat)'],
  ['Delete', 'Delete the selected task (with undo)'],
  ['[ / ]', 'Move the selected task a day earlier / later'],
  ['g s', 'Settings'],
  ['Esc', 'Cancel editing, close panels'],
  ['?', 'This help'],
];

export function focusTask(id: string | null): void {
  if (!id) return;
  const el = document.getElementById(`task-${id}`);
  if (el) el.focus();
  // After the next render too: the row may be re-rendered (or only just created).
  requestAnimationFrame(() => document.getElementById(`task-${id}`)?.focus());
}

function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  return el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName);
}

let pendingG = false;

export function handleShortcut(e: KeyboardEvent): void {
  const s = store.get();
  if (s.phase !== 'ready' || e.ctrlKey || e.metaKey || e.altKey) return;
  if (e.key === 'Escape') {
    if (s.editingId || s.panel || s.openId) {
      const id = s.editingId || s.openId;
      store.set({ editingId: null, panel: null, openId: s.editingId ? s.openId : null });
      focusTask(id ?? s.selectedId);
      e.preventDefault();
    } else if (typing(e.target)) {
      (e.target as HTMLElement).blur();
    }
    return;
  }
  if (typing(e.target) || s.helpOpen) return;
  if (pendingG) {
    pendingG = false;
    if (e.key === 's') {
      navigate('settings');
      e.preventDefault();
      return;
    }
  }
  const act = (fn: () => void) => {
    e.preventDefault();
    fn();
  };
  switch (e.key) {
    case '?':
      return act(() => store.set({ helpOpen: true }));
    case 'a':
      return act(() => void openAssistant());
    case 'g':
      pendingG = true;
      return;
  }
  if (s.route !== 'tasks') return;
  const list = visibleTasks(s.tasks, s.filters, s.hidden, clock());
  const index = list.findIndex((t) => t.id === s.selectedId);
  const selected = index >= 0 ? list[index] : null;
  switch (e.key) {
    case 'n':
      return act(() => document.getElementById('quick-add')?.focus());
    case '/':
      return act(() => document.getElementById('search')?.focus());
    case 'j':
    case 'ArrowDown':
    case 'k':
    case 'ArrowUp': {
      if (!list.length) return;
      const down = e.key === 'j' || e.key === 'ArrowDown';
      const next = index < 0 ? 0 : Math.max(0, Math.min(list.length - 1, index + (down ? 1 : -1)));
      return act(() => {
        store.set({ selectedId: list[next].id });
        focusTask(list[next].id);
      });
    }
    case 'x':
      if (selected) act(() => void toggleComplete(selected));
      return;
    case '[':
    case ']': {
      const day = selected ? dueDay(selected, tz()) : null;
      if (selected && day !== null) {
        act(() => {
          void moveToDay(selected, day + (e.key === ']' ? 1 : -1));
          focusTask(selected.id);
        });
      }
      return;
    }
    case 'e':
      if (selected) act(() => store.set({ editingId: selected.id }));
      return;
    case 'o':
    case 'Enter':
      if (selected && (e.key === 'o' || (e.target as HTMLElement)?.id === `task-${selected.id}`)) {
        act(() => store.set({ openId: s.openId === selected.id ? null : selected.id }));
      }
      return;
    case 'Delete':
    case 'Backspace':
      // A repeating task asks first: only this one, or the rest of the series.
      if (selected?.seriesId && !selected.completed) return act(() => deleteTask(selected));
      if (selected) {
        const neighbour = list[index + 1] ?? list[index - 1] ?? null;
        act(() => {
          deleteTask(selected);
          store.set({ selectedId: neighbour?.id ?? null });
          focusTask(neighbour?.id ?? null);
        });
      }
      return;
  }
}
