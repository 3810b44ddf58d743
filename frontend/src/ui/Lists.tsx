import { useMemo, useState } from 'preact/hooks';
import { messageOf } from '../api';
import { createList, deleteList, showList, showView, tz, updateList, type AppState } from '../app';
import { archivedIds, INBOX, openCounts, sortedLists } from '../lists';
import { inView, type View } from '../tasks';
import type { List } from '../types';

const VIEW_NAMES = { today: 'Today', upcoming: 'Upcoming', repeating: 'Repeating' } as const;

/** The views and lists to choose from (Today, Upcoming, All, Inbox, the user's lists) and a form for a new list. */
export function ListBar({ s }: { s: AppState }) {
  const lists = useMemo(() => sortedLists(s.lists), [s.lists]);
  const counts = useMemo(() => openCounts(s.tasks, s.hidden), [s.tasks, s.hidden]);
  const zone = tz();
  const shelved = useMemo(() => archivedIds(s.lists), [s.lists]);
  const viewCounts = useMemo(() => {
    const clock = { now: s.now, tz: zone, archived: shelved };
    const n = (view: View) => Object.values(s.tasks).filter((t) => !s.hidden.has(t.id) && inView(t, view, clock)).length;
    return { today: n('today'), upcoming: n('upcoming'), repeating: n('repeating') };
  }, [s.tasks, s.hidden, s.now, zone, shelved]);
  const [adding, setAdding] = useState(false);
  const [showArchived, setShowArchived] = useState(false);
  const current = s.filters.view ? '' : s.filters.list;
  const all = Object.entries(counts)
    .filter(([id]) => !shelved.has(id))
    .reduce((a, [, n]) => a + n, 0);
  const open = lists.filter((l) => !l.archived);
  const archived = lists.filter((l) => l.archived);
  const item = (value: string, label: string, count: number, color?: string | null) => (
    <li key={value || 'all'}>
      <button
        type="button"
        class="list-pick"
        aria-current={!s.filters.view && current === value ? 'page' : undefined}
        data-list={value || 'all'}
        onClick={() => showList(value)}
      >
        {color !== undefined && <span class="dot" style={color ? { background: color } : undefined} aria-hidden="true" />}
        <span class="list-name">{label}</span>
        <span class="list-count" aria-label={`${count} open`}>
          {count}
        </span>
      </button>
    </li>
  );
  return (
    <nav class="list-bar" aria-label="Lists">
      <ul>
        {(['today', 'upcoming', 'repeating'] as const).map((v) => (
          <li key={v}>
            <button
              type="button"
              class="list-pick view-pick"
              aria-current={s.filters.view === v ? 'page' : undefined}
              data-view={v}
              onClick={() => showView(v)}
            >
              <span class="list-name">{VIEW_NAMES[v]}</span>
              <span class="list-count" aria-label={`${viewCounts[v]} open`}>
                {viewCounts[v]}
              </span>
            </button>
          </li>
        ))}
        {item('', 'All', all)}
        {item(INBOX, 'Inbox', counts[INBOX] ?? 0)}
        {open.map((l) => item(l.id, l.name, counts[l.id] ?? 0, l.color))}
        {showArchived && archived.map((l) => item(l.id, `${l.name} (archived)`, counts[l.id] ?? 0, l.color))}
        <li>
          {adding ? (
            <NewListForm onDone={() => setAdding(false)} />
          ) : (
            <button type="button" class="link" onClick={() => setAdding(true)}>
              + New list
            </button>
          )}
        </li>
        {archived.length > 0 && (
          <li>
            <button type="button" class="link" aria-pressed={showArchived} onClick={() => setShowArchived(!showArchived)}>
              {showArchived ? 'Hide archived' : `Archived (${archived.length})`}
            </button>
          </li>
        )}
      </ul>
      {!s.filters.view && s.lists[current] && <ListHeader list={s.lists[current]} count={Object.values(s.tasks).filter((t) => t.listId === current).length} />}
    </nav>
  );
}

function NewListForm({ onDone }: { onDone: () => void }) {
  const [name, setName] = useState('');
  const [color, setColor] = useState('#3b82f6');
  const [error, setError] = useState('');
  async function submit(e: Event) {
    e.preventDefault();
    if (!name.trim()) return setError('Name the list first.');
    try {
      const list = await createList(name.trim(), color);
      onDone();
      showList(list.id);
    } catch (err) {
      setError(messageOf(err));
    }
  }
  return (
    <form class="new-list" onSubmit={submit} aria-label="New list">
      <label class="sr-only" for="new-list-name">
        List name
      </label>
      <input
        id="new-list-name"
        autoFocus
        maxLength={100}
        placeholder="List name"
        value={name}
        onInput={(e) => setName(e.currentTarget.value)}
        onKeyDown={(e) => e.key === 'Escape' && onDone()}
      />
      <label class="sr-only" for="new-list-color">
        Colour
      </label>
      <input id="new-list-color" type="color" value={color} onInput={(e) => setColor(e.currentTarget.value)} />
      <button type="submit" class="primary small">
        Add list
      </button>
      <button type="button" class="small" onClick={onDone}>
        Cancel
      </button>
      {error && (
        <span class="error" role="alert">
          {error}
        </span>
      )}
    </form>
  );
}

/** The list shown: rename, recolour, archive or restore, delete (asked first). */
function ListHeader({ list, count }: { list: List; count: number }) {
  const [name, setName] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState('');
  const run = (work: Promise<unknown>) =>
    work.then(
      () => setError(''),
      (e) => setError(messageOf(e)),
    );
  return (
    <div class="list-header">
      {name === null ? (
        <h2 class="list-title">
          <span class="dot" style={list.color ? { background: list.color } : undefined} aria-hidden="true" />
          {list.name}
          {list.archived && <span class="muted"> (archived)</span>}
        </h2>
      ) : (
        <form
          class="inline"
          onSubmit={(e) => {
            e.preventDefault();
            void run(updateList(list, { name }).then(() => setName(null)));
          }}
        >
          <label class="sr-only" for="rename-list">
            New name
          </label>
          <input id="rename-list" autoFocus maxLength={100} value={name} onInput={(e) => setName(e.currentTarget.value)} />
          <button type="submit" class="primary small">
            Save
          </button>
          <button type="button" class="small" onClick={() => setName(null)}>
            Cancel
          </button>
        </form>
      )}
      <div class="list-actions">
        <button type="button" class="small" onClick={() => setName(list.name)}>
          Rename
        </button>
        <label class="small-label">
          <span class="sr-only">Colour</span>
          <input
            type="color"
            value={list.color ?? '#9ca3af'}
            onChange={(e) => void run(updateList(list, { color: e.currentTarget.value }))}
          />
        </label>
        <button type="button" class="small" onClick={() => void run(updateList(list, { archived: !list.archived }))}>
          {list.archived ? 'Restore' : 'Archive'}
        </button>
        {confirming ? (
          <span class="confirm" role="group" aria-label="Confirm deleting the list">
            Delete “{list.name}” and its {count} {count === 1 ? 'task' : 'tasks'}?
            <button type="button" class="small danger" onClick={() => void run(deleteList(list))}>
              Delete list
            </button>
            <button type="button" class="small" onClick={() => setConfirming(false)}>
              Keep it
            </button>
          </span>
        ) : (
          <button type="button" class="small danger" onClick={() => setConfirming(true)}>
            Delete…
          </button>
        )}
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
