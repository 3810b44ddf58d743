import { useEffect, useState } from 'preact/hooks';
import { ApiError, messageOf } from '../api';
import { api, navigate, type AppState } from '../app';
import { AuthForm } from './Auth';

interface Consent {
  client: { id: string; name: string; uri: string | null };
  redirectUri: string;
  resource: string;
  scopes: { scope: string; description: string }[];
}

/** The authorization request as the server sent the browser here: `/connect?client_id=...`. */
const request = () => location.search.replace(/^\?/, '');

/**
 * The OAuth consent page: an app (an AI assistant connecting over MCP) asks
 * for access; the signed-in user sees who and what, and approves (perhaps
 * fewer scopes) or denies. Either way the browser goes back to the app.
 */
export function ConnectPage({ s }: { s: AppState }) {
  if (s.phase !== 'ready') {
    return (
      <>
        <p class="center muted connect-hint">Sign in to connect an app to your tasks.</p>
        <AuthForm mode={s.route === 'signup' ? 'signup' : 'signin'} />
      </>
    );
  }
  return <Consent />;
}

function Consent() {
  const [consent, setConsent] = useState<Consent | null>(null);
  const [chosen, setChosen] = useState<string[]>([]);
  const [error, setError] = useState<{ message: string; back?: string } | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api.get<Consent>(`/oauth/authorization?request=${encodeURIComponent(request())}`).then(
      (c) => {
        setConsent(c);
        setChosen(c.scopes.map((x) => x.scope));
      },
      (e) => {
        const back = e instanceof ApiError ? (e.details as { redirectTo?: string } | undefined)?.redirectTo : undefined;
        setError({ message: messageOf(e), back });
      },
    );
  }, []);

  async function answer(approve: boolean) {
    setBusy(true);
    try {
      const r = await api.post<{ redirectTo: string }>('/oauth/authorization', {
        request: request(),
        approve,
        scopes: approve ? chosen : undefined,
      });
      location.assign(r.redirectTo);
    } catch (e) {
      setError({ message: messageOf(e) });
      setBusy(false);
    }
  }

  const toggle = (scope: string, on: boolean) =>
    setChosen((c) => (on ? [...c.filter((x) => x !== scope), scope] : c.filter((x) => x !== scope)));

  if (error) {
    return (
      <section class="connect card" aria-labelledby="connect-title">
        <h1 id="connect-title">Cannot connect this app</h1>
        <p class="error" role="alert">
          {error.message}
        </p>
        {error.back ? (
          <a class="button" href={error.back}>
            Return to the app
          </a>
        ) : (
          <button type="button" onClick={() => navigate('tasks')}>
            Go to your tasks
          </button>
        )}
      </section>
    );
  }
  if (!consent) {
    return (
      <p class="muted center" aria-busy="true">
        Loading…
      </p>
    );
  }
  const host = hostOf(consent.redirectUri);
  return (
    <section class="connect card" aria-labelledby="connect-title">
      <h1 id="connect-title">Connect {consent.client.name}?</h1>
      <p>
        <strong>{consent.client.name}</strong>
        {consent.client.uri && <span class="muted"> ({hostOf(consent.client.uri)})</span>} asks to use your tasks through
        MCP. After you answer you go back to <strong>{host}</strong>.
      </p>
      <fieldset>
        <legend>It may</legend>
        {consent.scopes.map((x) => (
          <label key={x.scope} class="check-label">
            <input
              type="checkbox"
              name="scope"
              value={x.scope}
              checked={chosen.includes(x.scope)}
              onChange={(e) => toggle(x.scope, e.currentTarget.checked)}
            />{' '}
            {x.description} <code class="muted">{x.scope}</code>
          </label>
        ))}
      </fieldset>
      <p class="muted">Only approve apps you trust. You can disconnect it any time in Settings.</p>
      <div class="row">
        <button type="button" class="primary" disabled={busy || !chosen.length} onClick={() => void answer(true)}>
          Approve
        </button>
        <button type="button" disabled={busy} onClick={() => void answer(false)}>
          Deny
        </button>
      </div>
    </section>
  );
}

function hostOf(uri: string): string {
  try {
    const u = new URL(uri);
    return u.host || `${u.protocol}//`;
  } catch {
    return uri;
  }
}
