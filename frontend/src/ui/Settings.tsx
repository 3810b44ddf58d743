import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, messageOf } from '../api';
import { api, saveSettings, signOut, toast, type AppState } from '../app';
import { timezones } from '../dates';
import { ConnectedApps } from './ConnectedApps';
import { pushStatus, removeDevice, subscribeDevice, type PushDevice, type PushStatus } from '../push';
import type { Settings } from '../types';

export function SettingsPage({ s }: { s: AppState }) {
  const current = s.settings!;
  const address = s.user?.email ?? 'your address';
  const [timezone, setTimezone] = useState(current.timezone);
  const [agents, setAgents] = useState(current.agentsEnabled);
  const [inApp, setInApp] = useState(current.inAppNotifications);
  const [mail, setMail] = useState(current.emailReminders ?? false);
  const [webhook, setWebhook] = useState(current.webhookUrl ?? '');
  const [remind, setRemind] = useState(reminderValue(current.defaultReminderMinutes));
  const [quiet, setQuiet] = useState(!!current.quietHours);
  const [quietStart, setQuietStart] = useState(current.quietHours?.start ?? '22:00');
  const [quietEnd, setQuietEnd] = useState(current.quietHours?.end ?? '07:00');
  const [error, setError] = useState<{ message: string; field?: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [showSecret, setShowSecret] = useState(false);
  const zones = useMemo(() => {
    const list = timezones();
    return list.includes(current.timezone) ? list : [current.timezone, ...list];
  }, [current.timezone]);

  async function save(e: Event) {
    e.preventDefault();
    setError(null);
    const patch: Partial<Settings> = {};
    if (timezone !== current.timezone) patch.timezone = timezone;
    if (agents !== current.agentsEnabled) patch.agentsEnabled = agents;
    if (inApp !== current.inAppNotifications) patch.inAppNotifications = inApp;
    if (mail !== (current.emailReminders ?? false)) patch.emailReminders = mail;
    if (webhook.trim() !== (current.webhookUrl ?? '')) patch.webhookUrl = webhook.trim() || null;
    if (remind !== reminderValue(current.defaultReminderMinutes)) {
      patch.defaultReminderMinutes = remind === 'none' ? null : Number(remind);
    }
    const wantedQuiet = quiet ? { start: quietStart, end: quietEnd } : null;
    if (JSON.stringify(wantedQuiet) !== JSON.stringify(current.quietHours ?? null)) patch.quietHours = wantedQuiet;
    if (!Object.keys(patch).length) {
      toast('Nothing to save');
      return;
    }
    setBusy(true);
    try {
      const saved = await saveSettings(patch);
      if (saved?.emailConfirmation === 'sent') {
        toast(`Check ${address}: follow the link in the mail to get reminders by email`, {
          id: 'settings-saved',
        });
      } else if (saved?.emailConfirmation === 'not_sent') {
        toast('Saved, but the confirmation mail could not be sent; try again later', { id: 'settings-saved', kind: 'error' });
      } else {
        // One toast however often Save is pressed.
        toast('Settings saved', { id: 'settings-saved' });
      }
    } catch (err) {
      setError({ message: messageOf(err), field: err instanceof ApiError ? err.field : undefined });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="settings card" aria-labelledby="settings-title">
      <h1 id="settings-title">Settings</h1>
      <p class="muted signed-in">
        Signed in as {s.user?.email}
        <button type="button" class="small" onClick={() => void signOut()}>
          Sign out
        </button>
      </p>
      <form onSubmit={save} noValidate>
        <label for="timezone">Timezone</label>
        <select
          id="timezone"
          value={timezone}
          aria-invalid={error?.field === 'timezone' ? true : undefined}
          onChange={(e) => setTimezone(e.currentTarget.value)}
        >
          {zones.map((z) => (
            <option value={z} key={z}>
              {z.replace(/_/g, ' ')}
            </option>
          ))}
        </select>
        <p class="hint">Due dates, “today” and “9am” are shown and computed in this timezone.</p>

        <label for="default-reminder">Default reminder</label>
        <select id="default-reminder" value={remind} onChange={(e) => setRemind(e.currentTarget.value)}>
          {REMINDER_CHOICES.map(([v, l]) => (
            <option value={v} key={v}>
              {l}
            </option>
          ))}
          {!REMINDER_CHOICES.some(([v]) => v === remind) && <option value={remind}>{remind} minutes before</option>}
        </select>
        <p class="hint">Every task that gets a due time gets this reminder; remove it from a task like any other.</p>

        <label class="check-label">
          <input type="checkbox" checked={agents} onChange={(e) => setAgents(e.currentTarget.checked)} />
          Suggestions from assistants (overdue tasks, crowded weeks)
        </label>
        <label class="check-label">
          <input type="checkbox" checked={inApp} onChange={(e) => setInApp(e.currentTarget.checked)} />
          Reminders in the inbox
        </label>
        <label class="check-label">
          <input
            type="checkbox"
            checked={mail}
            aria-describedby="email-hint"
            onChange={(e) => setMail(e.currentTarget.checked)}
          />
          Reminders by email
        </label>
        <p id="email-hint" class="hint" data-testid="email-status">
          {!current.emailReminders
            ? `Sent to ${address} once you confirm it; every mail has an unsubscribe link.`
            : current.emailConfirmed
              ? `On: reminders also go to ${address}.`
              : `Waiting for you to follow the link mailed to ${address}.`}
          {current.emailReminders && !current.emailConfirmed && (
            <button
              type="button"
              class="small"
              onClick={() =>
                void saveSettings({ emailReminders: true }).then(
                  (r) =>
                    toast(r.emailConfirmation === 'sent' ? 'A new link is on its way' : 'The mail could not be sent; try again later', {
                      kind: r.emailConfirmation === 'sent' ? undefined : 'error',
                    }),
                  (e) => toast(messageOf(e), { kind: 'error' }),
                )
              }
            >
              Send the link again
            </button>
          )}
        </p>

        <label class="check-label">
          <input type="checkbox" checked={quiet} aria-describedby="quiet-hint" onChange={(e) => setQuiet(e.currentTarget.checked)} />
          Quiet hours
        </label>
        {quiet && (
          <div class="row quiet-hours">
            <label>
              From{' '}
              <input
                type="time"
                value={quietStart}
                aria-label="Quiet hours start"
                aria-invalid={error?.field === 'quietHours' ? true : undefined}
                onInput={(e) => setQuietStart(e.currentTarget.value)}
              />
            </label>
            <label>
              to{' '}
              <input
                type="time"
                value={quietEnd}
                aria-label="Quiet hours end"
                aria-invalid={error?.field === 'quietHours' ? true : undefined}
                onInput={(e) => setQuietEnd(e.currentTarget.value)}
              />
            </label>
          </div>
        )}
        <p id="quiet-hint" class="hint">
          Email and push reminders that fall in this window wait for its end and come together in one message; the inbox
          still shows them at once.
        </p>

        <label for="webhook">Webhook URL</label>
        <input
          id="webhook"
          type="url"
          inputMode="url"
          placeholder="https://example.com/hooks/tasks"
          value={webhook}
          aria-invalid={error?.field === 'webhookUrl' ? true : undefined}
          aria-describedby="webhook-hint"
          onInput={(e) => setWebhook(e.currentTarget.value)}
        />
        <p id="webhook-hint" class="hint">
          Reminders are also POSTed here, signed with <code>X-Signature-256</code> (HMAC-SHA256). Leave empty to turn off.
        </p>
        {current.webhookSecret && (
          <div class="secret">
            <span id="secret-label">Signing secret</span>
            <code aria-labelledby="secret-label" data-testid="webhook-secret">
              {showSecret ? current.webhookSecret : '•'.repeat(24)}
            </code>
            <button type="button" class="small" aria-pressed={showSecret} onClick={() => setShowSecret(!showSecret)}>
              {showSecret ? 'Hide' : 'Show'}
            </button>
            <button
              type="button"
              class="small"
              onClick={() =>
                void navigator.clipboard?.writeText(current.webhookSecret!).then(
                  () => toast('Secret copied'),
                  () => toast('Copy failed: select the secret and copy it', { kind: 'error' }),
                )
              }
            >
              Copy
            </button>
          </div>
        )}
        {error && (
          <p class="error" role="alert">
            {error.message}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          Save settings
        </button>
      </form>
      <PushOnThisDevice />
      <CalendarFeed />
      <ConnectedApps />
    </section>
  );
}

const REMINDER_CHOICES: [string, string][] = [
  ['none', 'None'],
  ['0', 'At the due time'],
  ['5', '5 minutes before'],
  ['10', '10 minutes before'],
  ['15', '15 minutes before'],
  ['30', '30 minutes before'],
  ['60', '1 hour before'],
  ['120', '2 hours before'],
  ['1440', '1 day before'],
];

/** The select's value for a default reminder: minutes as text, or 'none'. */
function reminderValue(minutes: number | null | undefined): string {
  return minutes === null || minutes === undefined ? 'none' : String(minutes);
}

interface Feed {
  url: string | null;
  createdAt: string | null;
}

/** The secret iCalendar URL: turn on, copy, make a new one (the old stops working), turn off. */
function CalendarFeed() {
  const [feed, setFeed] = useState<Feed | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    api.get<Feed>('/calendar').then(setFeed, (e) => setError(messageOf(e)));
  }, []);
  const run = (work: Promise<Feed>) => {
    setError('');
    work.then(setFeed, (e) => setError(messageOf(e)));
  };
  // A path when the server does not know its public address: this page's origin then.
  const url = feed?.url ? new URL(feed.url, location.origin).href : null;
  return (
    <section class="calendar-feed" aria-labelledby="calendar-title">
      <h2 id="calendar-title">Calendar feed</h2>
      <p class="muted">
        Subscribe to this address in Google Calendar, Apple Calendar or Outlook to see your tasks with a due date,
        repeating ones and reminders included. Anyone with the address can see them.
      </p>
      {url ? (
        <>
          <div class="row">
            <input id="calendar-url" readOnly value={url} aria-label="Calendar feed address" onFocus={(e) => e.currentTarget.select()} />
            <button
              type="button"
              class="small"
              onClick={() =>
                void navigator.clipboard?.writeText(url).then(
                  () => toast('Address copied'),
                  () => toast('Copy failed: select the address and copy it', { kind: 'error' }),
                )
              }
            >
              Copy
            </button>
          </div>
          <div class="row">
            <button type="button" class="small" onClick={() => run(api.post<Feed>('/calendar'))}>
              New address
            </button>
            <button
              type="button"
              class="small danger"
              onClick={() => run(api.del('/calendar').then(() => ({ url: null, createdAt: null })))}
            >
              Turn off
            </button>
          </div>
        </>
      ) : (
        feed && (
          <button type="button" class="small" onClick={() => run(api.post<Feed>('/calendar'))}>
            Turn on the calendar feed
          </button>
        )
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

const PUSH_HINTS: Record<PushStatus, string> = {
  unsupported: 'This browser cannot show notifications from a web page.',
  unavailable: 'This server is not set up to send push notifications.',
  denied: 'Notifications are blocked for this site: allow them in the browser’s site settings.',
  off: 'Reminders pop up on this device even when the app is closed, with Done and Snooze buttons.',
  on: 'On: reminders pop up on this device even when the app is closed.',
};

/** The switch for push notifications on this device, and the account's other subscribed devices. */
function PushOnThisDevice() {
  const [state, setState] = useState<{ status: PushStatus; devices: PushDevice[]; endpoint?: string } | null>(null);
  // While a change is under way the switch shows where it is going.
  const [pending, setPending] = useState<boolean | null>(null);
  const [error, setError] = useState('');
  const busy = pending !== null;
  const refresh = () => pushStatus(api).then(setState, (e) => setError(messageOf(e)));
  useEffect(() => {
    void refresh();
  }, []);
  const act = (to: boolean, work: () => Promise<void>) => {
    setPending(to);
    setError('');
    work()
      .then(refresh, (e) => setError(messageOf(e)))
      .finally(() => setPending(null));
  };
  if (!state) return null;
  const others = state.devices.filter((d) => d.endpoint !== state.endpoint);
  const mine = state.devices.find((d) => d.endpoint === state.endpoint);
  const switchable = state.status === 'on' || state.status === 'off';
  return (
    <section class="push-devices" aria-labelledby="push-title">
      <h2 id="push-title">Notifications on this device</h2>
      <label class="check-label">
        <input
          type="checkbox"
          data-testid="push-device"
          checked={pending ?? state.status === 'on'}
          disabled={busy || !switchable}
          aria-describedby="push-hint"
          onChange={(e) => {
            const on = e.currentTarget.checked;
            act(on, () => (on ? subscribeDevice(api) : mine ? removeDevice(api, mine) : Promise.resolve()));
          }}
        />
        Reminders on this device
      </label>
      <p id="push-hint" class="hint" data-testid="push-status">
        {PUSH_HINTS[state.status]}
      </p>
      {others.length > 0 && (
        <>
          <p class="muted">Also on:</p>
          <ul class="devices">
            {others.map((d) => (
              <li key={d.id}>
                {d.label || 'A browser'}
                <button type="button" class="small" disabled={busy} onClick={() => act(state.status === 'on', () => removeDevice(api, d))}>
                  Remove
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
