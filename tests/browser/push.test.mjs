// Web Push in Chromium against the project's host: the Settings switch
// subscribes this device; a reminder the notifier pushes (encrypted, to a
// stand-in push service) reaches the service worker with no tab of the app
// open, shows as a notification with Done and Snooze, and Done completes
// the task through the API without opening the app.

import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { launchBrowser, startHost, uniqueEmail } from './helpers.mjs';
import { browserKeys, decrypt, startPushService } from './push-service.mjs';

const PASSWORD = 'correct horse battery staple';

describe('push notifications', { timeout: 300_000 }, () => {
  let host;
  let browser;
  let push;

  before(async () => {
    push = await startPushService();
    host = await startHost({
      variables: { push_services: push.origin, vapid_private_key: randomBytes(32).toString('hex') },
    });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await host?.stop();
    await push?.stop();
  });

  test('subscribe in Settings; a pushed reminder shows with the app closed; Snooze and Done work from the notification', async () => {
    const keys = browserKeys();
    const endpoint = `${push.origin}/push/${randomUUID()}`;
    const ctx = await browser.newContext({ timezoneId: 'Europe/Berlin', locale: 'en-US', permissions: ['notifications'] });
    // Chromium's own push service is out of reach here: the subscription
    // the page gets points at the stand-in, with keys the test holds. The
    // rest (permission, service worker, the server's key) is the browser's.
    await ctx.addInitScript(
      ({ endpoint, p256dh, auth }) => {
        const saved = () => localStorage.getItem('test-push-key');
        const subscription = (key) => ({
          endpoint,
          expirationTime: null,
          options: { userVisibleOnly: true, applicationServerKey: Uint8Array.from(JSON.parse(key)).buffer },
          toJSON: () => ({ endpoint, expirationTime: null, keys: { p256dh, auth } }),
          unsubscribe: async () => (localStorage.removeItem('test-push-key'), true),
        });
        PushManager.prototype.subscribe = async function (options) {
          if (!options?.userVisibleOnly || !options.applicationServerKey) throw new DOMException('bad options', 'NotAllowedError');
          localStorage.setItem('test-push-key', JSON.stringify(Array.from(new Uint8Array(options.applicationServerKey))));
          return subscription(saved());
        };
        PushManager.prototype.getSubscription = async function () {
          return saved() ? subscription(saved()) : null;
        };
      },
      { endpoint, p256dh: keys.p256dh, auth: keys.authSecret },
    );
    const page = await ctx.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(host.url + '/');
    const signup = await page.evaluate(
      async ([email, password]) => {
        const res = await fetch('/api/v1/auth/signup', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email, password, name: 'Pia' }),
        });
        return res.json();
      },
      [uniqueEmail('pia'), PASSWORD],
    );
    const token = signup.token;
    assert.ok(token, JSON.stringify(signup));
    const call = async (method, path, body) => {
      const res = await fetch(`${host.url}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    };

    await page.reload();
    await page.getByRole('button', { name: 'Settings' }).click();

    // Quiet hours: a window saved with the other settings, then off again
    // (a test run at night must not have its push held).
    await page.getByLabel('Quiet hours', { exact: true }).check();
    await page.getByLabel('Quiet hours start').fill('22:30');
    await page.getByLabel('Quiet hours end').fill('06:45');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.locator('.toast', { hasText: 'Settings saved' }).waitFor();
    assert.deepEqual((await call('GET', '/settings')).body.quietHours, { start: '22:30', end: '06:45' });
    await page.getByLabel('Quiet hours', { exact: true }).uncheck();
    await page.getByRole('button', { name: 'Save settings' }).click();
    let quiet;
    for (let i = 0; i < 50 && quiet !== null; i++) {
      quiet = (await call('GET', '/settings')).body.quietHours;
      if (quiet !== null) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(quiet, null, 'quiet hours off');

    // The push switch is off, then on for this device.
    const status = page.locator('[data-testid=push-status]');
    await status.filter({ hasText: 'even when the app is closed, with Done and Snooze' }).waitFor();
    await page.getByLabel('Reminders on this device').check();
    await status.filter({ hasText: 'On: reminders pop up on this device' }).waitFor();
    const devices = (await call('GET', '/push/subscriptions')).body.items;
    assert.deepEqual(
      devices.map((d) => [d.endpoint, d.label]),
      [[endpoint, 'Chrome on Linux']],
    );
    const registration = await page.evaluate(async () => (await navigator.serviceWorker.getRegistration('/'))?.active?.scriptURL);
    assert.equal(registration, host.url + '/sw.js');

    // A reminder fires: the notifier pushes it, encrypted for this browser.
    const due = new Date(Date.now() + 3 * 3600_000).toISOString();
    const task = (await call('POST', '/tasks', { title: 'Water the plants', dueAt: due })).body;
    const added = await call('POST', `/tasks/${task.id}/reminders`, { before: '1h' });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    const reminder = added.body;
    const delivered = await fetch(`${host.url}/events/notifier`, {
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents+json', 'dapr-api-token': host.appApiToken },
      body: JSON.stringify({
        specversion: '1.0',
        id: randomUUID(),
        type: 'reminders.due',
        source: 'browser-test',
        datacontenttype: 'application/json',
        data: {
          userId: signup.user.id,
          reminderId: reminder.id,
          taskId: task.id,
          title: 'Water the plants',
          fireAt: new Date().toISOString(),
          status: 'due',
          correlationId: randomUUID(),
        },
      }),
    });
    assert.equal(delivered.status, 200, await delivered.text());
    const message = push.received.find((m) => endpoint.endsWith(m.path));
    assert.ok(message, `nothing pushed to ${endpoint}: ${JSON.stringify(push.received.map((m) => m.path))}`);
    assert.equal(message.headers['content-encoding'], 'aes128gcm');
    assert.match(message.headers.authorization, /^vapid t=[\w-]+\.[\w-]+\.[\w-]+,k=[\w-]+$/);
    const payload = decrypt(message.body, keys);

    // No tab of the app is open when the push arrives.
    const blank = await ctx.newPage();
    await page.close();
    const cdp = await ctx.newCDPSession(blank);
    const registrations = new Promise((ok) =>
      cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
        const r = registrations.find((r) => r.scopeURL === host.url + '/' && !r.isDeleted);
        if (r) ok(r);
      }),
    );
    await cdp.send('ServiceWorker.enable');
    const { registrationId } = await registrations;
    await cdp.send('ServiceWorker.deliverPushMessage', { origin: host.url, registrationId, data: payload });

    const worker = ctx.serviceWorkers().find((w) => w.url() === host.url + '/sw.js') ?? (await ctx.waitForEvent('serviceworker'));
    const tag = JSON.parse(payload).notificationId;
    const waitShown = async () => {
      for (let i = 0; i < 50; i++) {
        const shown = await worker.evaluate(
          async (tag) =>
            (await self.registration.getNotifications({ tag })).map((n) => ({
              title: n.title,
              body: n.body,
              actions: n.actions.map((a) => a.title),
            })),
          tag,
        );
        if (shown.length) return shown;
        await new Promise((r) => setTimeout(r, 100));
      }
      return [];
    };
    const shown = await waitShown();
    assert.equal(shown.length, 1, 'the notification is shown');
    assert.equal(shown[0].title, 'Water the plants');
    assert.match(shown[0].body, /^Due /);
    assert.deepEqual(shown[0].actions, ['Done', 'Snooze 10 min']);

    // A button on the notification, as the person presses it. (Dispatched
    // by script, the event's waitUntil throws, but the work has started.)
    const press = (action) =>
      worker.evaluate(
        async ([tag, action]) => {
          const [notification] = await self.registration.getNotifications({ tag });
          self.dispatchEvent(new NotificationEvent('notificationclick', { notification, action }));
        },
        [tag, action],
      );

    // "Snooze 10 min": the worker moves the reminder itself.
    await press('snooze');
    let snoozed = null;
    for (let i = 0; i < 50 && !snoozed; i++) {
      const r = (await call('GET', `/tasks/${task.id}/reminders`)).body.items.find((r) => r.id === reminder.id);
      const inMinutes = (Date.parse(r.fireAt) - Date.now()) / 60_000;
      if (inMinutes > 9 && inMinutes <= 10) snoozed = r;
      else await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(snoozed, 'Snooze moved the reminder 10 minutes on');

    // The reminder comes again; "Done" completes the task.
    await cdp.send('ServiceWorker.deliverPushMessage', { origin: host.url, registrationId, data: payload });
    await waitShown();
    await press('done');
    let completed = null;
    for (let i = 0; i < 50 && !completed; i++) {
      completed = (await call('GET', `/tasks/${task.id}`)).body.completedAt;
      if (!completed) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(completed, 'Done completed the task');
    assert.deepEqual(errors, []);
    await ctx.close();
  });
});
