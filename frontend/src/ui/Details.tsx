import { useEffect, useState } from 'preact/hooks';
import { messageOf } from '../api';
import { api, skipOccurrence, toast, tz, updateTask } from '../app';
import { formatAbsolute, formatRelative, fromWall, zonedParts } from '../dates';
import { presetOf, presetRule, REPEAT_LABELS, type RepeatPreset } from '../repeat';
import type { Reminder, Task } from '../types';

export function TaskDetails({ task, now }: { task: Task; now: number }) {
  return (
    <div class="details" id={`details-${task.id}`}>
      {task.description && <p class="description">{task.description}</p>}
      <Reminders task={task} now={now} />
      <Repeat task={task} />
    </div>
  );
}

// ------------------------------------------------------------------ reminders

const BEFORE: [string, string][] = [
  ['5m', '5 minutes before'],
  ['15m', '15 minutes before'],
  ['30m', '30 minutes before'],
  ['1h', '1 hour before'],
  ['1d', '1 day before'],
];

function describeReminder(r: Reminder, now: number): string {
  const zone = tz();
  const when = r.fireAt ? formatRelative(Date.parse(r.fireAt), now, zone) : 'when the task has a due time';
  if (r.beforeMinutes !== null && r.beforeMinutes !== undefined && !r.at) {
    const m = r.beforeMinutes;
    const span = m % 1440 === 0 && m ? `${m / 1440} d` : m % 60 === 0 && m ? `${m / 60} h` : `${m} min`;
    return `${span} before due · ${when}`;
  }
  return `At ${when}`;
}

function Reminders({ task, now }: { task: Task; now: number }) {
  const [items, setItems] = useState<Reminder[] | null>(null);
  const [kind, setKind] = useState<'before' | 'at'>(task.dueAt ? 'before' : 'at');
  const [before, setBefore] = useState('15m');
  const [at, setAt] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  async function load() {
    try {
      const r = await api.get<{ items: Reminder[] }>(`/tasks/${task.id}/reminders`);
      setItems(r.items);
    } catch (e) {
      setError(messageOf(e));
      setItems([]);
    }
  }
  useEffect(() => {
    void load();
  }, [task.id, task.version]);

  async function add(e: Event) {
    e.preventDefault();
    setError('');
    let body: Record<string, string>;
    if (kind === 'before') body = { before };
    else {
      const ms = at ? fromWall(at, tz()) : null;
      if (ms === null) {
        setError('Pick a date and time for the reminder.');
        return;
      }
      body = { at: new Date(ms).toISOString() };
    }
    setBusy(true);
    try {
      await api.post(`/tasks/${task.id}/reminders`, body);
      setAt('');
      toast('Reminder set');
      await load();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  async function act(r: Reminder, what: 'cancel' | 'snooze') {
    setError('');
    try {
      if (what === 'cancel') await api.del(`/reminders/${r.id}`);
      else await api.post(`/reminders/${r.id}/snooze`, { minutes: 10 });
      toast(what === 'cancel' ? 'Reminder canceled' : 'Snoozed for 10 minutes');
      await load();
    } catch (err) {
      setError(messageOf(err));
    }
  }

  const active = (items ?? []).filter((r) => r.status !== 'canceled' && r.status !== 'dismissed');
  return (
    <section class="sub" aria-labelledby={`rem-h-${task.id}`}>
      <h3 id={`rem-h-${task.id}`}>Reminders</h3>
      {items === null ? (
        <p class="muted">Loading…</p>
      ) : active.length ? (
        <ul class="reminders">
          {active.map((r) => (
            <li key={r.id}>
              <span title={r.fireAt ? formatAbsolute(Date.parse(r.fireAt), tz()) : undefined}>
                {describeReminder(r, now)}
              </span>
              <span class={`status status-${r.status}`}>{r.status}</span>
              <button type="button" class="small" onClick={() => void act(r, 'snooze')}>
                Snooze 10 min
              </button>
              <button type="button" class="small danger" onClick={() => void act(r, 'cancel')}>
                Cancel<span class="sr-only"> reminder</span>
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">No reminders.</p>
      )}
      <form class="inline-form" onSubmit={add}>
        <label class="inline">
          <span class="sr-only">Reminder type</span>
          <select value={kind} onChange={(e) => setKind(e.currentTarget.value as 'before' | 'at')}>
            <option value="before">Before due</option>
            <option value="at">At a time</option>
          </select>
        </label>
        {kind === 'before' ? (
          <label class="inline">
            <span class="sr-only">How long before</span>
            <select value={before} onChange={(e) => setBefore(e.currentTarget.value)}>
              {BEFORE.map(([v, l]) => (
                <option value={v} key={v}>
                  {l}
                </option>
              ))}
            </select>
          </label>
        ) : (
          <label class="inline">
            <span class="sr-only">Remind at</span>
            <input type="datetime-local" value={at} onInput={(e) => setAt(e.currentTarget.value)} />
          </label>
        )}
        <button type="submit" class="small" disabled={busy}>
          Add reminder
        </button>
      </form>
      <p class="error" role="alert">
        {error}
      </p>
    </section>
  );
}

// ------------------------------------------------------------------ repeat

function Repeat({ task }: { task: Task }) {
  const rec = task.recurrence;
  const [preset, setPreset] = useState<RepeatPreset>(rec ? presetOf(rec.rrule) : '');
  const [custom, setCustom] = useState(rec?.rrule ?? '');
  const [mode, setMode] = useState<'schedule' | 'completion'>(rec?.mode ?? 'schedule');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  function weekday(): number {
    const p = zonedParts(task.dueAt ? Date.parse(task.dueAt) : Date.now(), tz());
    return new Date(Date.UTC(p.year, p.month - 1, p.day)).getUTCDay();
  }

  async function save(e: Event) {
    e.preventDefault();
    setError('');
    const rrule = presetRule(preset, weekday(), custom);
    setBusy(true);
    try {
      // One PATCH of the task starts, changes or stops the repeat, with the
      // task's version: a change made elsewhere meanwhile is not overwritten.
      if (rrule) {
        await updateTask(task, { recurrence: { rrule, mode } });
        toast(rec ? 'Repeat rule changed' : 'Task repeats');
      } else if (rec) {
        await updateTask(task, { recurrence: null });
        toast('Stopped repeating');
      }
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="sub" aria-labelledby={`rep-h-${task.id}`}>
      <h3 id={`rep-h-${task.id}`}>Repeat</h3>
      {rec && (
        <p>
          ↻ {rec.description || rec.rrule}
          {rec.mode === 'completion' ? ' (counted from completion)' : ''}
          {!task.completed && rec.seriesId && (
            <>
              {' '}
              <button
                type="button"
                class="small"
                title="This occurrence is left out; the next one takes its place"
                onClick={() => void skipOccurrence(rec.seriesId!).catch((e) => setError(messageOf(e)))}
              >
                Skip this one
              </button>
            </>
          )}
        </p>
      )}
      <form class="inline-form" onSubmit={save}>
        <label class="inline">
          <span class="sr-only">Repeat</span>
          <select value={preset} onChange={(e) => setPreset(e.currentTarget.value as RepeatPreset)}>
            {REPEAT_LABELS.map(([v, l]) => (
              <option value={v} key={v}>
                {l}
              </option>
            ))}
          </select>
        </label>
        {preset === 'custom' && (
          <label class="inline">
            <span class="sr-only">Rule (RRULE)</span>
            <input
              value={custom}
              placeholder="FREQ=WEEKLY;BYDAY=MO"
              onInput={(e) => setCustom(e.currentTarget.value)}
            />
          </label>
        )}
        {preset && (
          <label class="inline">
            <span class="sr-only">Next one</span>
            <select value={mode} onChange={(e) => setMode(e.currentTarget.value as 'schedule' | 'completion')}>
              <option value="schedule">On schedule</option>
              <option value="completion">After completion</option>
            </select>
          </label>
        )}
        <button type="submit" class="small" disabled={busy || (!rec && !preset)}>
          {rec && !preset ? 'Stop repeating' : 'Save repeat'}
        </button>
      </form>
      <p class="error" role="alert">
        {error}
      </p>
    </section>
  );
}
