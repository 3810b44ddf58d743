import { useEffect, useRef } from 'preact/hooks';
import { acceptSuggestion, dismissSuggestion, markRead, store, tz, type AppState } from '../app';
import { formatAbsolute, formatRelative, humanizeInstants } from '../dates';
import { focusTask } from './keys';

export function Panel({ title, children }: { title: string; children: preact.ComponentChildren }) {
  const ref = useRef<HTMLElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return (
    <aside id="side-panel" class="panel" aria-labelledby="panel-title" tabIndex={-1} ref={ref}>
      <div class="panel-head">
        <h2 id="panel-title">{title}</h2>
        <button type="button" class="close" aria-label="Close panel" onClick={() => store.set({ panel: null })}>
          ×
        </button>
      </div>
      {children}
    </aside>
  );
}

export function showTask(id: string | null | undefined) {
  if (!id) return;
  const s = store.get();
  if (!s.tasks[id]) return;
  store.set({ panel: null, selectedId: id, openId: id, filters: { ...s.filters, status: 'all', q: '', tag: '', priority: '', list: '' } });
  focusTask(id);
}

export function SuggestionsPanel({ s }: { s: AppState }) {
  return (
    <Panel title="Suggestions">
      {s.suggestions.length ? (
        <ul class="cards">
          {s.suggestions.map((g) => (
            <li key={g.id} class={`suggestion suggestion-${g.type}`}>
              <p>{humanizeInstants(g.message, s.now, tz())}</p>
              <p class="muted small">
                {g.type} · {formatRelative(Date.parse(g.createdAt), s.now, tz())}
                {g.taskId && s.tasks[g.taskId] && (
                  <>
                    {' · '}
                    <button type="button" class="link" onClick={() => showTask(g.taskId)}>
                      Show task
                    </button>
                  </>
                )}
              </p>
              <div class="row-end">
                <button type="button" class="small" onClick={() => void dismissSuggestion(g)}>
                  Dismiss
                </button>
                {g.action && (
                  <button type="button" class="small primary" onClick={() => void acceptSuggestion(g)}>
                    Accept
                  </button>
                )}
              </div>
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">No suggestions right now. The assistants look at overdue and crowded weeks.</p>
      )}
    </Panel>
  );
}

export function NotificationsPanel({ s }: { s: AppState }) {
  return (
    <Panel title="Alerts">
      {s.notifications.length ? (
        <ul class="cards">
          {s.notifications.map((n) => (
            <li key={n.id} class={n.readAt ? 'read' : 'unread'}>
              <p>
                {!n.readAt && <span class="dot" aria-label="Unread" />}
                {n.body || n.title}
              </p>
              <p class="muted small">
                <time dateTime={n.createdAt} title={formatAbsolute(Date.parse(n.createdAt), tz())}>
                  {formatRelative(Date.parse(n.createdAt), s.now, tz())}
                </time>
                {n.taskId && s.tasks[n.taskId] && (
                  <>
                    {' · '}
                    <button
                      type="button"
                      class="link"
                      onClick={() => {
                        void markRead(n);
                        showTask(n.taskId);
                      }}
                    >
                      Show task
                    </button>
                  </>
                )}
              </p>
              {!n.readAt && (
                <div class="row-end">
                  <button type="button" class="small" onClick={() => void markRead(n)}>
                    Mark read
                  </button>
                </div>
              )}
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">No notifications. Reminders you set on tasks arrive here.</p>
      )}
    </Panel>
  );
}
