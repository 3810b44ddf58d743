import { useEffect, useState } from 'preact/hooks';
import { messageOf } from '../api';
import {
  loadSeries,
  setSeriesActive,
  showList,
  skipOccurrence,
  store,
  tz,
  updateTask,
  type AppState,
  type Series,
} from '../app';
import { formatAbsolute, formatRelative } from '../dates';

const STATUS: Record<Series['status'], string> = { active: 'Active', stopped: 'Paused', ended: 'Ended' };

/** Every repeating series: its rule in words, the next occurrence, and pause, resume, skip, edit and end. */
export function RepeatingPage({ s }: { s: AppState }) {
  const [series, setSeries] = useState<Series[] | null>(null);
  const [error, setError] = useState('');
  // Reloaded whenever a task changes: instances come and go with the tasks.
  const version = Object.values(s.tasks).filter((t) => t.seriesId).length;
  useEffect(() => {
    loadSeries().then(setSeries, (e) => setError(messageOf(e)));
  }, [version]);
  const run = async (work: Promise<unknown>) => {
    setError('');
    try {
      await work;
      setSeries(await loadSeries());
    } catch (e) {
      setError(messageOf(e));
    }
  };
  if (!series) return <p class="muted">{error || 'Loading…'}</p>;
  if (!series.length) {
    return (
      <p class="empty muted">
        No repeating tasks yet. Add one with quick add, e.g. “Water plants every 3 days”, or open a task’s details.
      </p>
    );
  }
  const zone = tz();
  return (
    <>
      <p class="error" role="alert">
        {error}
      </p>
      <ul class="series-list" aria-label="Repeating tasks">
        {series.map((r) => {
          const open = r.instances.find((i) => !i.completedAt);
          const latest = s.tasks[open?.taskId ?? r.instances[0]?.taskId ?? ''];
          const title = latest?.title ?? '(deleted task)';
          const due = open?.dueAt ? Date.parse(open.dueAt) : null;
          return (
            <li key={r.id} class={`card series series-${r.status}`} data-series={r.id}>
              <div class="series-main">
                <span class="title">{title}</span>
                <span class="muted">
                  ↻ {r.description}
                  {r.mode === 'completion' ? ' (counted from completion)' : ''}
                </span>
                <span class="series-next">
                  <span class={`status status-${r.status}`}>{STATUS[r.status]}</span>
                  {due !== null && (
                    <time dateTime={open!.dueAt!} title={formatAbsolute(due, zone)}>
                      {' '}
                      · next {formatRelative(due, s.now, zone)}
                    </time>
                  )}
                </span>
              </div>
              <div class="actions">
                {r.status === 'active' && open && (
                  <button type="button" class="small" onClick={() => void run(skipOccurrence(r.id))}>
                    Skip next
                  </button>
                )}
                {r.status !== 'ended' && (
                  <button
                    type="button"
                    class="small"
                    onClick={() => void run(setSeriesActive(r, r.status !== 'active'))}
                  >
                    {r.status === 'active' ? 'Pause' : 'Resume'}
                  </button>
                )}
                {open && latest && (
                  <button
                    type="button"
                    class="small"
                    onClick={() => {
                      showList('');
                      store.set({ openId: latest.id, selectedId: latest.id });
                    }}
                  >
                    Edit
                  </button>
                )}
                {open && latest && r.status !== 'ended' && (
                  <button
                    type="button"
                    class="small danger"
                    title="Stop repeating; the open task stays"
                    onClick={() => void run(updateTask(latest, { recurrence: null }))}
                  >
                    End
                  </button>
                )}
              </div>
            </li>
          );
        })}
      </ul>
    </>
  );
}
