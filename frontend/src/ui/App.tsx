import { useEffect, useRef } from 'preact/hooks';
import {
  dismissToast,
  loadNotifications,
  loadSuggestions,
  navigate,
  openAssistant,
  signOut,
  store,
  type AppState,
} from '../app';
import { useStore } from '../store';
import { AuthForm } from './Auth';
import { AssistantPanel } from './Chat';
import { ConnectPage } from './Connect';
import { handleShortcut, SHORTCUTS } from './keys';
import { NotificationsPanel, SuggestionsPanel } from './Side';
import { SettingsPage } from './Settings';
import { TasksPage } from './Tasks';

export function App() {
  const s = useStore(store);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => handleShortcut(e);
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <Header s={s} />
      <main id="main" tabIndex={-1}>
        {s.phase === 'loading' ? (
          <p class="muted center" aria-busy="true">
            Loading…
          </p>
        ) : s.route === 'connect' ? (
          <ConnectPage s={s} />
        ) : s.phase === 'signedOut' ? (
          <AuthForm mode={s.route === 'signup' ? 'signup' : 'signin'} />
        ) : s.route === 'settings' ? (
          <SettingsPage s={s} />
        ) : (
          <TasksPage s={s} />
        )}
      </main>
      {s.phase === 'ready' && s.panel === 'notifications' && <NotificationsPanel s={s} />}
      {s.phase === 'ready' && s.panel === 'suggestions' && <SuggestionsPanel s={s} />}
      {s.phase === 'ready' && s.panel === 'assistant' && <AssistantPanel s={s} />}
      <Toasts s={s} />
      <Help open={s.helpOpen} />
    </>
  );
}

const SYNC_LABEL: Record<AppState['sync'], string> = {
  idle: '',
  connecting: 'Connecting…',
  live: 'Live',
  polling: 'Live',
  offline: 'Offline',
};

function Header({ s }: { s: AppState }) {
  const unread = s.notifications.filter((n) => !n.readAt).length;
  const togglePanel = (panel: AppState['panel']) => {
    const opening = s.panel !== panel;
    if (opening && panel === 'assistant') return void openAssistant();
    store.set({ panel: opening ? panel : null });
    if (opening && panel === 'suggestions') void loadSuggestions();
    if (opening && panel === 'notifications') void loadNotifications();
  };
  return (
    <header class="top">
      <a
        class="brand"
        href="/"
        onClick={(e) => {
          e.preventDefault();
          if (s.phase === 'ready') navigate('tasks');
        }}
      >
        Tasks
      </a>
      {s.phase === 'ready' && (
        <nav aria-label="Main">
          <span class={`sync sync-${s.sync}`} title="Live sync with your other devices">
            <span class="sr-only">Sync: </span>
            {SYNC_LABEL[s.sync]}
          </span>
          <button
            type="button"
            class="icon"
            aria-expanded={s.panel === 'assistant'}
            aria-controls="side-panel"
            aria-keyshortcuts="a"
            onClick={() => togglePanel('assistant')}
          >
            Assistant
          </button>
          <button
            type="button"
            class="icon"
            aria-expanded={s.panel === 'suggestions'}
            aria-controls="side-panel"
            onClick={() => togglePanel('suggestions')}
          >
            Suggestions{s.suggestions.length ? <span class="badge">{s.suggestions.length}</span> : null}
          </button>
          <button
            type="button"
            class="icon"
            aria-expanded={s.panel === 'notifications'}
            aria-controls="side-panel"
            onClick={() => togglePanel('notifications')}
            aria-label={`Notifications${unread ? `, ${unread} unread` : ''}`}
          >
            Alerts{unread ? <span class="badge">{unread}</span> : null}
          </button>
          <button
            type="button"
            class="icon"
            aria-current={s.route === 'settings' ? 'page' : undefined}
            onClick={() => navigate(s.route === 'settings' ? 'tasks' : 'settings')}
          >
            Settings
          </button>
          <button type="button" class="icon" onClick={() => store.set({ helpOpen: true })} aria-label="Keyboard shortcuts">
            ?
          </button>
          <button type="button" class="icon hide-phone" onClick={() => void signOut()}>
            Sign out
          </button>
        </nav>
      )}
    </header>
  );
}

function Toasts({ s }: { s: AppState }) {
  const info = s.toasts.filter((t) => t.kind === 'info');
  const errors = s.toasts.filter((t) => t.kind === 'error');
  const item = (t: AppState['toasts'][number]) => (
    <div class={`toast toast-${t.kind}`} key={t.id} data-toast={t.id}>
      <span>{t.message}</span>
      {t.action && (
        <button
          type="button"
          class="link"
          onClick={() => {
            t.action!.run();
            dismissToast(t.id);
          }}
        >
          {t.action.label}
        </button>
      )}
      <button type="button" class="close" aria-label="Dismiss" onClick={() => dismissToast(t.id)}>
        ×
      </button>
    </div>
  );
  return (
    <div class="toasts">
      <div role="status" aria-live="polite" aria-atomic="false">
        {info.map(item)}
      </div>
      <div role="alert" aria-live="assertive">
        {errors.map(item)}
      </div>
    </div>
  );
}

function Help({ open }: { open: boolean }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal?.();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={ref} class="help" aria-labelledby="help-title" onClose={() => store.set({ helpOpen: false })}>
      <h2 id="help-title">Keyboard shortcuts</h2>
      <dl>
        {SHORTCUTS.map(([k, what]) => (
          <div key={k}>
            <dt>
              <kbd>{k}</kbd>
            </dt>
            <dd>{what}</dd>
          </div>
        ))}
      </dl>
      <form method="dialog">
        <button type="submit" class="primary">
          Close
        </button>
      </form>
    </dialog>
  );
}
