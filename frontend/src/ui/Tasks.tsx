import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, messageOf } from '../api';
import {
  clock,
  createFromBody,
  deleteTask,
  listShown,
  moveToDay,
  readQuickAdd,
  setFilters,
  store,
  toast,
  toggleComplete,
  tz,
  updateTask,
  type AppState,
} from '../app';
import { formatAbsolute, formatRelative, fromWall, toWall, zonedParts } from '../dates';
import { isPriority, parseQuickAdd, parseTagList } from '../quickadd';
import { keptPlain, KIND_LABEL, readingKey, segments, type Part, type Plain, type Reading } from '../quickread';
import { presetRule, REPEAT_LABELS, type RepeatPreset } from '../repeat';
import { archivedIds, listFromTags } from '../lists';
import {
  allTags,
  endOfToday,
  isOverdue,
  isoDay,
  upcomingDays,
  visibleTasks,
  type Clock,
  type Sort,
  type Status,
} from '../tasks';
import { PRIORITIES, type Task } from '../types';
import { focusTask } from './keys';
import { TaskDetails } from './Details';
import { ListBar } from './Lists';
import { RepeatingPage } from './Repeating';

export function TasksPage({ s }: { s: AppState }) {
  const zone = tz();
  const clk: Clock = useMemo(
    () => ({ now: s.now, tz: zone, archived: archivedIds(s.lists) }),
    [s.now, zone, s.lists],
  );
  const list = useMemo(() => visibleTasks(s.tasks, s.filters, s.hidden, clk), [s.tasks, s.filters, s.hidden, clk]);
  const tags = useMemo(() => allTags(s.tasks), [s.tasks]);
  const total = Object.keys(s.tasks).length - s.hidden.size;
  const focusable = list.some((t) => t.id === s.selectedId) ? s.selectedId : list[0]?.id;
  const view = s.filters.view;
  return (
    <div class="tasks-page">
      <h1 class={view ? 'view-title' : 'sr-only'}>{VIEW_TITLES[view]}</h1>
      <ListBar s={s} />
      {view === 'repeating' ? <RepeatingPage s={s} /> : <TaskList s={s} list={list} total={total} clk={clk} focusable={focusable} tags={tags} />}
    </div>
  );
}

const VIEW_TITLES: Record<AppState['filters']['view'], string> = {
  '': 'Your tasks',
  today: 'Today',
  upcoming: 'Upcoming',
  repeating: 'Repeating',
};

function TaskList({
  s,
  list,
  total,
  clk,
  focusable,
  tags,
}: {
  s: AppState;
  list: Task[];
  total: number;
  clk: Clock;
  focusable?: string | null;
  tags: string[];
}) {
  const view = s.filters.view;
  return (
    <>
      <QuickAdd />
      <FilterBar s={s} tags={tags} />
      <p class="count muted" aria-live="polite">
        {view
          ? `${list.length} open ${list.length === 1 ? 'task' : 'tasks'}`
          : list.length === total
            ? `${total} ${total === 1 ? 'task' : 'tasks'}`
            : `${list.length} of ${total} tasks`}
      </p>
      {view === 'upcoming' ? (
        <UpcomingDays s={s} tasks={list} clk={clk} focusable={focusable} />
      ) : list.length ? (
        <ul class="task-list" aria-label="Tasks">
          {list.map((t) => (
            <TaskRow key={t.id} task={t} s={s} tabbable={t.id === focusable} />
          ))}
        </ul>
      ) : (
        <p class="empty muted">
          {view === 'today'
            ? 'Nothing due today. Enjoy it, or add a task above: without a date it is due today.'
            : total
              ? 'No tasks match these filters.'
              : 'Nothing to do yet. Add your first task above (press n).'}
        </p>
      )}
    </>
  );
}

// ------------------------------------------------------------------ upcoming

const DRAG_TYPE = 'application/x-task-id';

/** The next days, each a drop target: dropping a task there moves it to that day at the same time. */
function UpcomingDays({ s, tasks, clk, focusable }: { s: AppState; tasks: Task[]; clk: Clock; focusable?: string | null }) {
  const days = upcomingDays(tasks, clk);
  const [over, setOver] = useState<number | null>(null);
  const label = (day: number, i: number) => {
    const date = new Date(day * 86_400_000).toLocaleDateString('en', {
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      timeZone: 'UTC',
    });
    return i === 0 ? `Today · ${date}` : i === 1 ? `Tomorrow · ${date}` : date;
  };
  return (
    <div class="upcoming">
      {days.map(({ day, tasks: due }, i) => (
        <section
          key={day}
          class={`day${over === day ? ' drop' : ''}`}
          aria-labelledby={`day-${day}`}
          data-day={isoDay(day)}
          onDragOver={(e) => {
            if (e.dataTransfer?.types.includes(DRAG_TYPE)) {
              e.preventDefault();
              setOver(day);
            }
          }}
          onDragLeave={() => setOver((d) => (d === day ? null : d))}
          onDrop={(e) => {
            e.preventDefault();
            setOver(null);
            const task = s.tasks[e.dataTransfer?.getData(DRAG_TYPE) ?? ''];
            if (task) void moveToDay(task, day);
          }}
        >
          <h2 id={`day-${day}`} class="day-title">
            {label(day, i)}
          </h2>
          {due.length ? (
            <ul class="task-list" aria-labelledby={`day-${day}`}>
              {due.map((t) => (
                <TaskRow key={t.id} task={t} s={s} tabbable={t.id === focusable} draggable />
              ))}
            </ul>
          ) : (
            <p class="muted day-empty">Nothing planned</p>
          )}
        </section>
      ))}
      <p class="hint">Drag a task to another day, or select it and press [ or ] to move it a day.</p>
    </div>
  );
}

// ------------------------------------------------------------------ quick add

function QuickAdd() {
  const [text, setText] = useState('');
  const [plain, setPlain] = useState<Plain[]>([]);
  const [reading, setReading] = useState<{ key: string; value: Reading } | null>(null);
  const [due, setDue] = useState('');
  const [repeat, setRepeat] = useState<RepeatPreset>('');
  const [more, setMore] = useState(false);
  const [error, setError] = useState('');
  const [pending, setPending] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const backdrop = useRef<HTMLDivElement>(null);
  const typedAt = useRef(0);
  const kept = keptPlain(text, plain);
  const key = readingKey(text, kept);
  const current = reading?.key === key ? reading.value : null;
  // While the next reading is on its way, the last one's parts stay lit
  // where their words still stand.
  const parts: Part[] = (reading?.value.parts ?? [])
    .filter((p) => text.slice(p.start, p.end) === p.text)
    .sort((a, b) => a.start - b.start);

  // Every change of the text is read by the assistant's parser: the same
  // reading the chat gives, so quick add and the assistant never disagree.
  useEffect(() => {
    if (!text.trim()) {
      setReading(null);
      return;
    }
    const ctl = new AbortController();
    readQuickAdd(text, kept, ctl.signal)
      .then((value) => setReading({ key, value }))
      .catch(() => undefined);
    return () => ctl.abort();
  }, [key]);

  // Keystroke to highlight, for the size and speed report.
  useEffect(() => {
    if (current && typedAt.current) {
      performance.measure('quick-add-highlight', { start: typedAt.current, end: performance.now() });
      typedAt.current = 0;
    }
  }, [current]);

  const keepAsText = (p: Part) => {
    setPlain([...kept, { start: p.start, end: p.end, text: p.text }]);
    input.current?.focus();
  };

  async function submit(e: Event) {
    e.preventDefault();
    setError('');
    if (!text.trim()) {
      setError('Type a title first.');
      input.current?.focus();
      return;
    }
    // Clear the form as soon as the task is sent, not when the answer comes
    // back: a fast typist's next task must neither be wiped by the previous
    // answer nor blocked while it is in flight. A refused task comes back
    // into the field if the user has not started typing another one.
    const sent = { text, due, repeat, plain: kept };
    const ready = current;
    setText('');
    setPlain([]);
    setDue('');
    setRepeat('');
    setPending((n) => n + 1);
    try {
      const { body, reminders } = await taskFromText(sent.text, sent.plain, ready);
      // What the user picked in the form wins over what the text says.
      const zone = tz();
      const dueMs = sent.due ? fromWall(sent.due, zone) : null;
      if (dueMs !== null) {
        body.dueAt = new Date(dueMs).toISOString();
        const rule = body.recurrence as Record<string, unknown> | undefined;
        if (rule) delete rule.dtstart;
      }
      const weekday = (() => {
        const p = zonedParts(dueMs ?? Date.now(), zone);
        return new Date(Date.UTC(p.year, p.month - 1, p.day)).getUTCDay();
      })();
      const rrule = presetRule(sent.repeat === 'custom' ? '' : sent.repeat, weekday);
      if (rrule) body.recurrence = { rrule, mode: 'schedule' };
      // Added in Today or Upcoming without a date: due today, so it shows there.
      const inDayView = ['today', 'upcoming'].includes(store.get().filters.view);
      if (inDayView && !body.dueAt && !body.recurrence) body.dueAt = endOfToday(clock());
      // `#groceries` names the list Groceries; otherwise the list shown.
      const named = listFromTags(Array.isArray(body.tags) ? (body.tags as string[]) : [], store.get().lists);
      if (named.listId) {
        body.listId = named.listId;
        body.tags = named.tags;
      } else if (listShown()) body.listId = listShown();
      await createFromBody(body, reminders);
    } catch (err) {
      setError(messageOf(err));
      setText((now) => (now === '' ? sent.text : now));
      setPlain((now) => (now.length ? now : sent.plain));
      setDue((now) => (now === '' ? sent.due : now));
      setRepeat((now) => (now === '' ? sent.repeat : now));
    } finally {
      setPending((n) => n - 1);
      input.current?.focus();
    }
  }

  return (
    <form class="quick-add card" onSubmit={submit} aria-labelledby="qa-label">
      <label id="qa-label" for="quick-add" class="sr-only">
        Add a task
      </label>
      <div class="qa-row">
        <div class="qa-field">
          {/* The recognized parts, highlighted behind the transparent field. */}
          <div class="qa-backdrop" aria-hidden="true" ref={backdrop}>
            {segments(text, parts).map((g, i) =>
              g.kind ? (
                <mark class={`qa-part qa-${g.kind}`} key={i}>
                  {g.text}
                </mark>
              ) : (
                <span key={i}>{g.text}</span>
              ),
            )}
          </div>
          <input
            id="quick-add"
            ref={input}
            value={text}
            autoComplete="off"
            maxLength={1000}
            placeholder="Add a task… e.g. “Call mom tomorrow at 6pm !high”"
            aria-describedby="qa-hint qa-error"
            aria-invalid={error ? true : undefined}
            onInput={(e) => {
              typedAt.current = performance.now();
              setText(e.currentTarget.value);
            }}
            onScroll={(e) => {
              if (backdrop.current) backdrop.current.scrollLeft = e.currentTarget.scrollLeft;
            }}
          />
        </div>
        <button type="submit" class="primary" aria-busy={pending > 0 ? true : undefined}>
          Add
        </button>
      </div>
      <div class="qa-row qa-options">
        <label class="inline">
          <span>Due</span>
          <input type="datetime-local" value={due} onInput={(e) => setDue(e.currentTarget.value)} />
        </label>
        {due && (
          <button type="button" class="link" onClick={() => setDue('')}>
            No due date
          </button>
        )}
        <button type="button" class="link" aria-expanded={more} onClick={() => setMore(!more)}>
          {more ? 'Fewer options' : 'Repeat…'}
        </button>
        {more && (
          <label class="inline">
            <span>Repeat</span>
            <select value={repeat} onChange={(e) => setRepeat(e.currentTarget.value as RepeatPreset)}>
              {REPEAT_LABELS.filter(([v]) => v !== 'custom').map(([v, l]) => (
                <option value={v} key={v}>
                  {l}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      <div id="qa-hint" class="hint" aria-live="polite">
        {text.trim() && parts.length ? (
          <>
            <ul class="qa-parts" aria-label="Recognized">
              {parts.map((p) => (
                <li key={`${p.start}-${p.end}`} class={`qa-chip qa-${p.kind}`}>
                  <span>
                    {KIND_LABEL[p.kind]}: {p.text}
                  </span>
                  <button
                    type="button"
                    class="close"
                    aria-label={`Keep “${p.text}” as text`}
                    title="Keep as text"
                    onClick={() => keepAsText(p)}
                  >
                    ×
                  </button>
                </li>
              ))}
            </ul>
            {current && <span class="qa-summary">I read this as: {current.summary}</span>}
          </>
        ) : (
          'Tip: dates, repeats, priorities and tags are understood: “Water plants every 3 days #home !high”'
        )}
      </div>
      <p id="qa-error" class="error" role="alert">
        {error}
      </p>
    </form>
  );
}

/**
 * The task body and reminders for quick-add text: the parser's reading, read
 * now if it has not come yet; without the server (offline) the field's own
 * tags-and-priority reading, so typing never loses a task.
 */
async function taskFromText(
  text: string,
  plain: Plain[],
  ready: Reading | null,
): Promise<{ body: Record<string, unknown>; reminders: Record<string, unknown>[] }> {
  let reading = ready;
  if (!reading) {
    try {
      reading = await readQuickAdd(text, plain);
    } catch (e) {
      if (e instanceof ApiError) throw e;
    }
  }
  if (reading) {
    if (!reading.task) throw new Error(reading.summary);
    return { body: { ...reading.task }, reminders: reading.reminders };
  }
  const local = parseQuickAdd(text);
  if (!local.title) throw new Error('Add a title as well as tags or a priority.');
  const body: Record<string, unknown> = { title: local.title };
  if (local.tags.length) body.tags = local.tags;
  if (local.priority) body.priority = local.priority;
  return { body, reminders: [] };
}

// ------------------------------------------------------------------ filters

const SORTS: [Sort, string][] = [
  ['-created', 'Newest first'],
  ['created', 'Oldest first'],
  ['due', 'Due soonest'],
  ['-due', 'Due latest'],
  ['-priority', 'Highest priority'],
  ['priority', 'Lowest priority'],
  ['title', 'Title A–Z'],
  ['-updated', 'Recently changed'],
];

function FilterBar({ s, tags }: { s: AppState; tags: string[] }) {
  const f = s.filters;
  // Today and Upcoming are of open tasks in due order: no status or sort to pick.
  const view = !!f.view;
  return (
    <div class="filters" role="search" aria-label="Filter tasks">
      <label class="grow">
        <span class="sr-only">Search</span>
        <input
          id="search"
          type="search"
          placeholder="Search (/)"
          value={f.q}
          onInput={(e) => setFilters({ q: e.currentTarget.value })}
        />
      </label>
      <label hidden={view}>
        <span class="sr-only">Status</span>
        <select id="filter-status" value={f.status} onChange={(e) => setFilters({ status: e.currentTarget.value as Status })}>
          <option value="open">Open</option>
          <option value="completed">Completed</option>
          <option value="all">All</option>
        </select>
      </label>
      <label>
        <span class="sr-only">Priority</span>
        <select
          id="filter-priority"
          value={f.priority}
          onChange={(e) => {
            const v = e.currentTarget.value;
            setFilters({ priority: isPriority(v) ? v : '' });
          }}
        >
          <option value="">Any priority</option>
          {PRIORITIES.map((p) => (
            <option value={p} key={p}>
              {p[0].toUpperCase() + p.slice(1)}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span class="sr-only">Tag</span>
        <select id="filter-tag" value={f.tag} onChange={(e) => setFilters({ tag: e.currentTarget.value })}>
          <option value="">Any tag</option>
          {f.tag && !tags.includes(f.tag) && <option value={f.tag}>#{f.tag}</option>}
          {tags.map((t) => (
            <option value={t} key={t}>
              #{t}
            </option>
          ))}
        </select>
      </label>
      <label hidden={view}>
        <span class="sr-only">Sort</span>
        <select id="sort" value={f.sort} onChange={(e) => setFilters({ sort: e.currentTarget.value as Sort })}>
          {SORTS.map(([v, l]) => (
            <option value={v} key={v}>
              {l}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}

// ------------------------------------------------------------------ rows

function DueLabel({ task, now }: { task: Task; now: number }) {
  if (!task.dueAt) return null;
  const ms = Date.parse(task.dueAt);
  const zone = tz();
  const overdue = isOverdue(task, now);
  return (
    <time class={`due${overdue ? ' overdue' : ''}`} dateTime={task.dueAt} title={formatAbsolute(ms, zone)}>
      {overdue ? 'Overdue · ' : 'Due '}
      {formatRelative(ms, now, zone)}
    </time>
  );
}

function TaskRow({ task, s, tabbable, draggable }: { task: Task; s: AppState; tabbable: boolean; draggable?: boolean }) {
  const editing = s.editingId === task.id;
  const open = s.openId === task.id;
  const selected = s.selectedId === task.id;
  const cls = ['task', task.completed && 'done', selected && 'selected', isOverdue(task, s.now) && 'is-overdue']
    .filter(Boolean)
    .join(' ');
  return (
    <li
      id={`task-${task.id}`}
      class={cls}
      tabIndex={tabbable ? 0 : -1}
      aria-current={selected ? 'true' : undefined}
      data-task-id={task.id}
      draggable={draggable && !editing}
      onDragStart={(e) => {
        e.dataTransfer?.setData(DRAG_TYPE, task.id);
        if (e.dataTransfer) e.dataTransfer.effectAllowed = 'move';
      }}
      onFocus={(e) => {
        if (e.target === e.currentTarget && !selected) store.set({ selectedId: task.id });
      }}
      onClick={() => {
        if (!selected) store.set({ selectedId: task.id });
      }}
    >
      {editing ? (
        <TaskEditor task={task} s={s} />
      ) : (
        <div class="task-main">
          <input
            type="checkbox"
            class="check"
            checked={task.completed}
            aria-label={`${task.completed ? 'Reopen' : 'Complete'} “${task.title}”`}
            onChange={() => void toggleComplete(task)}
          />
          <div class="task-body">
            <span class="title">{task.title}</span>
            <div class="meta">
              {task.priority !== 'medium' && <span class={`prio prio-${task.priority}`}>{task.priority}</span>}
              <DueLabel task={task} now={s.now} />
              {task.recurrence && (
                <span class="repeat" title={task.recurrence.description || task.recurrence.rrule}>
                  ↻ {task.recurrence.description || 'repeats'}
                </span>
              )}
              {!s.filters.list && task.listId && s.lists[task.listId] && (
                <span class="list-chip">
                  <span class="dot" style={s.lists[task.listId].color ? { background: s.lists[task.listId].color! } : undefined} aria-hidden="true" />
                  {s.lists[task.listId].name}
                </span>
              )}
              {task.tags.map((t) => (
                <button
                  type="button"
                  class="tag"
                  key={t}
                  tabIndex={-1}
                  title={`Show only #${t}`}
                  onClick={(e) => {
                    e.stopPropagation();
                    setFilters({ tag: t });
                  }}
                >
                  #{t}
                </button>
              ))}
            </div>
          </div>
          <div class="actions">
            <button
              type="button"
              class="small"
              aria-expanded={open}
              aria-controls={`details-${task.id}`}
              onClick={() => store.set({ openId: open ? null : task.id, selectedId: task.id })}
            >
              Details
            </button>
            <button type="button" class="small" onClick={() => store.set({ editingId: task.id, selectedId: task.id })}>
              Edit<span class="sr-only"> “{task.title}”</span>
            </button>
            <button type="button" class="small danger" onClick={() => deleteTask(task)}>
              Delete<span class="sr-only"> “{task.title}”</span>
            </button>
          </div>
        </div>
      )}
      {s.askDeleteId === task.id && <DeleteChoice task={task} />}
      {open && !editing && <TaskDetails task={task} now={s.now} />}
    </li>
  );
}

/** Deleting the open instance of a repeating task: only this one, or the rest of the series too. */
function DeleteChoice({ task }: { task: Task }) {
  const first = useRef<HTMLButtonElement>(null);
  useEffect(() => first.current?.focus(), []);
  const cancel = () => {
    store.set({ askDeleteId: null });
    focusTask(task.id);
  };
  return (
    <div
      class="confirm delete-choice"
      role="group"
      aria-label={`Delete the repeating task “${task.title}”`}
      onKeyDown={(e) => e.key === 'Escape' && cancel()}
    >
      <span>“{task.title}” repeats. Delete:</span>
      <button type="button" class="small danger" ref={first} onClick={() => deleteTask(task, 'this')}>
        Only this one
      </button>
      <button type="button" class="small danger" onClick={() => deleteTask(task, 'following')}>
        This and all future
      </button>
      <button type="button" class="small" onClick={cancel}>
        Cancel
      </button>
    </div>
  );
}

// ------------------------------------------------------------------ inline edit

function TaskEditor({ task, s }: { task: Task; s: AppState }) {
  const zone = tz();
  const [listId, setListId] = useState(task.listId ?? '');
  const [title, setTitle] = useState(task.title);
  const [priority, setPriority] = useState(task.priority);
  const [due, setDue] = useState(task.dueAt ? toWall(Date.parse(task.dueAt), zone) : '');
  const [tags, setTags] = useState(task.tags.join(' '));
  const [description, setDescription] = useState(task.description);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => {
    first.current?.focus();
    first.current?.select();
  }, []);

  async function save(e: Event) {
    e.preventDefault();
    setError('');
    const patch: Record<string, unknown> = {};
    if (title !== task.title) patch.title = title;
    if (priority !== task.priority) patch.priority = priority;
    const dueMs = due ? fromWall(due, zone) : null;
    const dueIso = dueMs === null ? null : new Date(dueMs).toISOString();
    const oldDue = task.dueAt ? Date.parse(task.dueAt) : null;
    if (dueMs !== oldDue) patch.dueAt = dueIso;
    const tagList = parseTagList(tags);
    if (tagList.join(' ') !== task.tags.join(' ')) patch.tags = tagList;
    if (description !== task.description) patch.description = description;
    if (listId !== (task.listId ?? '')) patch.listId = listId || null;
    if (!Object.keys(patch).length) {
      close();
      return;
    }
    setBusy(true);
    try {
      await updateTask(task, patch);
      toast('Saved');
      close();
    } catch (err) {
      const conflict = err instanceof ApiError && (err.status === 409 || err.status === 412);
      setError(conflict ? `${messageOf(err)} The task was reloaded; check it and save again.` : messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  function close() {
    store.set({ editingId: null });
    focusTask(task.id);
  }

  const id = task.id;
  return (
    <form class="editor" onSubmit={save} aria-label={`Edit “${task.title}”`}>
      <label for={`title-${id}`}>Title</label>
      <input id={`title-${id}`} ref={first} value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
      <div class="editor-grid">
        <div>
          <label for={`prio-${id}`}>Priority</label>
          <select
            id={`prio-${id}`}
            value={priority}
            onChange={(e) => {
              const v = e.currentTarget.value;
              if (isPriority(v)) setPriority(v);
            }}
          >
            {PRIORITIES.map((p) => (
              <option value={p} key={p}>
                {p[0].toUpperCase() + p.slice(1)}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for={`due-${id}`}>Due ({zone})</label>
          <input id={`due-${id}`} type="datetime-local" value={due} onInput={(e) => setDue(e.currentTarget.value)} />
        </div>
        <div>
          <label for={`list-${id}`}>List</label>
          <select id={`list-${id}`} value={listId} onChange={(e) => setListId(e.currentTarget.value)}>
            <option value="">Inbox</option>
            {Object.values(s.lists)
              .filter((l) => !l.archived || l.id === listId)
              .sort((a, b) => a.name.localeCompare(b.name))
              .map((l) => (
                <option value={l.id} key={l.id}>
                  {l.name}
                </option>
              ))}
          </select>
        </div>
        <div>
          <label for={`tags-${id}`}>Tags</label>
          <input
            id={`tags-${id}`}
            value={tags}
            placeholder="work home"
            onInput={(e) => setTags(e.currentTarget.value)}
          />
        </div>
      </div>
      <label for={`desc-${id}`}>Notes</label>
      <textarea id={`desc-${id}`} rows={2} value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
      <p class="error" role="alert">
        {error}
      </p>
      <div class="row-end">
        <button type="button" onClick={close}>
          Cancel
        </button>
        <button type="submit" class="primary" disabled={busy}>
          Save
        </button>
      </div>
    </form>
  );
}
