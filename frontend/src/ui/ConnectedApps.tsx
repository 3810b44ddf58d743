import { useEffect, useState } from 'preact/hooks';
import { messageOf } from '../api';
import { api, toast, tz } from '../app';
import { formatRelative } from '../dates';

const when = (iso: string) => formatRelative(Date.parse(iso), Date.now(), tz());

interface ConnectedApp {
  clientId: string;
  name: string;
  uri: string | null;
  scopes: string[];
  connectedAt: string;
  lastUsedAt: string | null;
}

interface Call {
  id: string;
  app: string;
  tool: string;
  arguments: string;
  outcome: string;
  at: string;
}

const SCOPE_LABEL: Record<string, string> = {
  'tasks:read': 'read',
  'tasks:write': 'change',
};

/** AI assistants and other apps connected over OAuth (MCP), what each may do, and what they did. */
export function ConnectedApps() {
  const [apps, setApps] = useState<ConnectedApp[] | null>(null);
  const [calls, setCalls] = useState<Call[]>([]);
  const [error, setError] = useState('');
  const load = () => {
    setError('');
    Promise.all([
      api.get<{ items: ConnectedApp[] }>('/connected-apps'),
      api.get<{ items: Call[] }>('/connected-apps/activity'),
    ]).then(
      ([a, c]) => {
        setApps(a.items);
        setCalls(c.items);
      },
      (e) => setError(messageOf(e)),
    );
  };
  useEffect(load, []);

  async function revoke(app: ConnectedApp) {
    if (!confirm(`Disconnect ${app.name}? It will no longer reach your tasks.`)) return;
    try {
      await api.del(`/connected-apps/${encodeURIComponent(app.clientId)}`);
      toast(`${app.name} disconnected`);
      load();
    } catch (e) {
      setError(messageOf(e));
    }
  }

  return (
    <section class="connected-apps" aria-labelledby="connected-title">
      <h2 id="connected-title">Connected apps</h2>
      <p class="muted">
        AI assistants connect at <code>{location.origin}/mcp</code>. You approve each one; disconnecting ends its access at once.
      </p>
      {apps && !apps.length && <p class="muted">No apps connected.</p>}
      {apps && apps.length > 0 && (
        <ul class="apps">
          {apps.map((a) => (
            <li key={a.clientId}>
              <div>
                <strong>{a.name}</strong>
                <span class="muted">
                  {' '}
                  · may {a.scopes.map((s) => SCOPE_LABEL[s] ?? s).join(' and ')} your tasks · connected{' '}
                  {when(a.connectedAt)} · {a.lastUsedAt ? `last used ${when(a.lastUsedAt)}` : 'not used yet'}
                </span>
              </div>
              <button type="button" class="small danger" onClick={() => void revoke(a)} aria-label={`Disconnect ${a.name}`}>
                Disconnect
              </button>
            </li>
          ))}
        </ul>
      )}
      {calls.length > 0 && (
        <details class="activity">
          <summary>Recent activity ({calls.length})</summary>
          <ul>
            {calls.map((c) => (
              <li key={c.id}>
                <span class="muted">{when(c.at)}</span> {c.app}: <code>{c.tool}</code>{' '}
                <span class={c.outcome === 'ok' ? 'muted' : 'error'}>{c.outcome === 'ok' ? '' : `(${c.outcome})`}</span>
                <div class="muted args">{c.arguments}</div>
              </li>
            ))}
          </ul>
        </details>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
