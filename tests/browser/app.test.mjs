// The web app in Debian's Chromium against the project's host: sign-up,
// quick add, complete, filters, live sync between two signed-in devices,
// an offline period, undoable delete, server error messages, keyboard,
// reminders, the inbox, suggestions, settings, lists. Screenshots of the main
// screens go to target/screenshots/.

import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser, screenshotDir, startHost, uniqueEmail } from './helpers.mjs';

const PASSWORD = 'correct horse battery staple';
const LIVE_MS = 2000;

let host;
let browser;
let shots;
const errors = [];

/** A browser "device": its own cookies, storage and network. */
async function device(opts = {}) {
  const ctx = await browser.newContext({
    viewport: { width: 1200, height: 820 },
    timezoneId: 'Europe/Berlin',
    locale: 'en-US',
    ...opts,
  });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  // The page's Content-Security-Policy must not block anything it needs.
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) errors.push(`csp: ${m.text()}`);
  });
  await page.goto(host.url + '/');
  return { ctx, page };
}

const shot = (page, name) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: false });
const row = (page, title) => page.locator('li.task', { has: page.locator('.title', { hasText: title }) });
const api = (page, path, init = {}) =>
  page.evaluate(
    async ([path, init]) => {
      const res = await fetch('/api/v1' + path, {
        ...init,
        headers: { 'content-type': 'application/json', ...(init.headers || {}) },
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    },
    [path, init],
  );

async function quickAdd(page, text, due) {
  await page.fill('#quick-add', text);
  if (due) await page.fill('.quick-add input[type=datetime-local]', due);
  await page.press('#quick-add', 'Enter');
}

async function signIn(page, email) {
  await page.waitForSelector('#email');
  await page.fill('#email', email);
  await page.fill('#password', PASSWORD);
  await page.click('form button[type=submit]');
  await page.waitForSelector('#quick-add');
}

async function waitLive(page) {
  await page.locator('.sync', { hasText: 'Live' }).waitFor({ timeout: 10_000 });
}

/** Delivers an event to an internal handler the way the sidecar would. */
// `data` follows the event type's schema (crates/domain/schemas/events/),
// as the app's own producers write it; the consumers drop anything else.
async function deliver(route, type, data) {
  const res = await fetch(`${host.url}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/cloudevents+json', 'dapr-api-token': host.appApiToken },
    body: JSON.stringify({
      specversion: '1.0',
      id: randomUUID(),
      type,
      source: 'browser-test',
      datacontenttype: 'application/json',
      data,
    }),
  });
  const text = await res.text();
  assert.equal(res.status, 200, text);
  return JSON.parse(text);
}

/** Today's calendar date in Europe/Berlin, `days` later, as YYYY-MM-DD. */
function berlinDate(days = 0) {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(Date.now());
  // Calendar arithmetic on the date alone, so a DST change or the hour of
  // the run never moves the result to another day.
  const d = new Date(`${today}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function tomorrowAt(hour) {
  // A wall-clock time in Europe/Berlin (the devices' and the new account's timezone).
  return `${berlinDate(1)}T${String(hour).padStart(2, '0')}:00`;
}

describe('web app', { timeout: 600_000 }, () => {
  const email = uniqueEmail('ana');
  let a; // the first device
  let b; // the second device, same user

  before(async () => {
    host = await startHost();
    browser = await launchBrowser();
    shots = screenshotDir();
  });

  after(async () => {
    await browser?.close();
    await host?.stop();
  });

  test('sign up, quick add, complete, filter', async () => {
    a = await device();
    const { page } = a;
    await page.waitForSelector('#email');
    await shot(page, '01-sign-in');
    await page.click('text=Create an account');
    await page.fill('#email', email);
    await page.fill('#name', 'Ana');
    await page.fill('#password', PASSWORD);
    await page.click('form button[type=submit]');
    await page.waitForSelector('#quick-add');
    assert.equal(new URL(page.url()).pathname, '/');

    await quickAdd(page, 'Pay rent #home !high');
    await row(page, 'Pay rent').waitFor();
    assert.match(await row(page, 'Pay rent').innerText(), /HIGH[\s\S]*#home/i);
    assert.equal(await page.inputValue('#quick-add'), '', 'quick add clears after adding');

    await quickAdd(page, 'Write report #work !urgent', tomorrowAt(9));
    await row(page, 'Write report').waitFor();
    assert.match(await row(page, 'Write report').locator('time.due').innerText(), /tomorrow 9:00 AM/);
    // Typed back to back, the second while the first is still in flight (held
    // back on purpose, as on a slow network): neither may be lost.
    const slowCreate = async (route) => {
      if (route.request().method() === 'POST') await new Promise((r) => setTimeout(r, 600));
      await route.continue();
    };
    await page.route('**/api/v1/tasks', slowCreate);
    await quickAdd(page, 'Buy milk #home !low');
    await quickAdd(page, 'Call the bank about the card');
    await row(page, 'Call the bank').waitFor();
    await row(page, 'Buy milk').waitFor();
    await page.unroute('**/api/v1/tasks', slowCreate);
    await quickAdd(page, 'Plan the trip #travel', tomorrowAt(18));
    await row(page, 'Plan the trip').waitFor();
    await waitLive(page);
    await shot(page, '02-task-list');

    // Complete: it leaves the open view and shows under Completed.
    await row(page, 'Pay rent').locator('input.check').click();
    await row(page, 'Pay rent').waitFor({ state: 'detached' });
    await page.selectOption('#filter-status', 'completed');
    await row(page, 'Pay rent').waitFor();
    assert.equal(await page.locator('li.task').count(), 1);
    await page.selectOption('#filter-status', 'all');
    assert.equal(await page.locator('li.task').count(), 5);

    // Filters: priority, tag, search; they combine.
    await page.selectOption('#filter-priority', 'urgent');
    assert.deepEqual(await page.locator('li.task .title').allInnerTexts(), ['Write report']);
    await page.selectOption('#filter-priority', '');
    await page.selectOption('#filter-tag', 'home');
    assert.deepEqual((await page.locator('li.task .title').allInnerTexts()).sort(), ['Buy milk', 'Pay rent']);
    await page.fill('#search', 'milk');
    assert.deepEqual(await page.locator('li.task .title').allInnerTexts(), ['Buy milk']);
    await page.fill('#search', '');
    await page.selectOption('#filter-tag', '');
    await page.selectOption('#sort', 'due');
    assert.deepEqual((await page.locator('li.task .title').allInnerTexts()).slice(0, 2), ['Write report', 'Plan the trip']);
    await page.selectOption('#sort', '-created');
    await page.selectOption('#filter-status', 'open');
    assert.equal(await page.locator('li.task').count(), 4);
  });

  test('the server’s message is shown when a form is rejected', async () => {
    const { page } = a;
    await quickAdd(page, 'x'.repeat(201));
    await page.locator('#qa-error', { hasText: 'title must be at most 200 characters' }).waitFor();
    await page.fill('#quick-add', '');

    const other = await device();
    await other.page.click('text=Create an account');
    await other.page.fill('#email', email);
    await other.page.fill('#password', PASSWORD);
    await other.page.click('form button[type=submit]');
    const err = other.page.locator('#auth-error');
    await err.waitFor();
    assert.equal(await err.innerText(), 'an account with this email already exists');
    await shot(other.page, '03-sign-up-rejected');

    await other.page.click('text=Sign in');
    await other.page.fill('#email', email);
    await other.page.fill('#password', 'wrong password!');
    await other.page.click('form button[type=submit]');
    await other.page.locator('#auth-error', { hasText: 'email or password is wrong' }).waitFor();
    await other.ctx.close();
  });

  test('a second signed-in device sees changes within 2 s, both ways', async () => {
    b = await device();
    await signIn(b.page, email);
    await row(b.page, 'Write report').waitFor();
    await waitLive(a.page);
    await waitLive(b.page);

    await quickAdd(a.page, 'Shared from A #sync');
    await row(a.page, 'Shared from A').waitFor();
    const t0 = Date.now();
    await row(b.page, 'Shared from A').waitFor({ timeout: LIVE_MS });
    const seenMs = Date.now() - t0;
    assert.ok(seenMs <= LIVE_MS, `seen after ${seenMs} ms`);

    // B completes it: it leaves A's open list.
    await row(b.page, 'Shared from A').locator('input.check').click();
    await row(a.page, 'Shared from A').waitFor({ state: 'detached', timeout: LIVE_MS });

    // A edits a title inline (keyboard: e), B sees the new one.
    await row(a.page, 'Call the bank').click({ position: { x: 300, y: 12 } });
    await a.page.keyboard.press('e');
    const title = a.page.locator('form.editor input').first();
    await title.waitFor();
    await shot(a.page, '04-inline-edit');
    await title.fill('Call the bank about the new card');
    await a.page.locator('form.editor select').first().selectOption('high');
    await a.page.locator('form.editor input[type=datetime-local]').fill(tomorrowAt(11));
    await a.page.locator('form.editor input[id^=tags-]').fill('errands money');
    await title.press('Enter');
    await row(a.page, 'Call the bank about the new card').waitFor();
    const r = row(b.page, 'Call the bank about the new card');
    await r.waitFor({ timeout: LIVE_MS });
    assert.match(await r.innerText(), /HIGH[\s\S]*tomorrow 11:00 AM[\s\S]*#errands[\s\S]*#money/i);
  });

  test('offline, a change elsewhere, back online: the change shows', async () => {
    await b.ctx.setOffline(true);
    await b.page.locator('.sync', { hasText: 'Offline' }).waitFor({ timeout: 5000 });

    await quickAdd(a.page, 'Made while B was offline');
    await row(a.page, 'Made while B was offline').waitFor();
    await row(a.page, 'Buy milk').locator('input.check').click();
    await row(a.page, 'Buy milk').waitFor({ state: 'detached' });
    await b.page.waitForTimeout(1500);
    assert.equal(await row(b.page, 'Made while B was offline').count(), 0, 'nothing arrives while offline');
    await shot(b.page, '05-offline');

    await b.ctx.setOffline(false);
    await row(b.page, 'Made while B was offline').waitFor({ timeout: 5000 });
    await row(b.page, 'Buy milk').waitFor({ state: 'detached', timeout: 5000 });
    await waitLive(b.page);
  });

  test('delete waits for the undo window; undo keeps the task', async () => {
    const { page } = a;
    const target = row(page, 'Plan the trip');
    const id = await target.getAttribute('data-task-id');
    await target.getByRole('button', { name: /^Delete/ }).click();
    await target.waitFor({ state: 'detached' });
    const toast = page.locator('.toast', { hasText: 'Deleted “Plan the trip”' });
    await toast.waitFor();
    await shot(page, '06-undo-toast');
    await toast.getByRole('button', { name: 'Undo' }).click();
    await row(page, 'Plan the trip').waitFor();
    await page.waitForTimeout(5500);
    assert.equal((await api(page, `/tasks/${id}`)).status, 200, 'undone: never deleted on the server');
    assert.equal(await row(b.page, 'Plan the trip').count(), 1);

    // Delete from the keyboard; after the window it is gone everywhere.
    await row(page, 'Plan the trip').focus();
    await page.keyboard.press('Delete');
    await row(page, 'Plan the trip').waitFor({ state: 'detached' });
    assert.equal((await api(page, `/tasks/${id}`)).status, 200, 'not deleted before the window ends');
    await row(b.page, 'Plan the trip').waitFor({ state: 'detached', timeout: 5000 + 3000 });
    assert.equal((await api(page, `/tasks/${id}`)).status, 404);
  });

  test('keyboard: n, /, j/k, x, ?', async () => {
    const { page } = a;
    await page.locator('body').click({ position: { x: 5, y: 400 } });
    await page.keyboard.press('n');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'quick-add');
    await page.keyboard.type('Typed after n #kbd');
    await page.keyboard.press('Enter');
    await row(page, 'Typed after n').waitFor();
    await page.keyboard.press('Escape');
    await page.keyboard.press('/');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'search');
    await page.keyboard.press('Escape');
    const focused = async () => {
      await page.waitForTimeout(50);
      return page.evaluate(() => document.activeElement?.getAttribute('data-task-id'));
    };
    const ids = await page.locator('li.task').evaluateAll((els) => els.map((e) => e.dataset.taskId));
    await page.locator('li.task').first().focus();
    await page.keyboard.press('j');
    assert.equal(await focused(), ids[1]);
    await page.keyboard.press('j');
    assert.equal(await focused(), ids[2]);
    await page.keyboard.press('k');
    await page.keyboard.press('k');
    assert.equal(await focused(), ids[0]);
    assert.equal(await page.locator('li.task .title').first().innerText(), 'Typed after n');
    await page.keyboard.press('x');
    await row(page, 'Typed after n').waitFor({ state: 'detached' });
    await page.keyboard.press('?');
    await page.locator('dialog.help').waitFor();
    await shot(page, '07-shortcuts');
    await page.keyboard.press('Escape');
    await page.locator('dialog.help').waitFor({ state: 'hidden' });
  });

  test('reminders on a task, and a reminder arriving in the inbox live', async () => {
    const { page } = a;
    const r = row(page, 'Write report');
    await r.getByRole('button', { name: 'Details' }).click();
    await r.locator('.details').waitFor();
    await r.locator('.details select').first().selectOption('before');
    await r.locator('.details form.inline-form').first().locator('select').nth(1).selectOption('15m');
    await r.getByRole('button', { name: 'Add reminder' }).click();
    await r.locator('.reminders li', { hasText: '15 min before due' }).waitFor();
    await r.locator('.details select').first().selectOption('at');
    await r.locator('.details input[type=datetime-local]').fill(tomorrowAt(8));
    await r.getByRole('button', { name: 'Add reminder' }).click();
    await r.locator('.reminders li', { hasText: 'At tomorrow 8:00 AM' }).waitFor();
    await shot(page, '08-task-details');
    // Snooze and cancel answer without errors.
    await r.locator('.reminders li', { hasText: 'At tomorrow' }).getByRole('button', { name: /Cancel/ }).click();
    await r.locator('.reminders li', { hasText: 'At tomorrow' }).waitFor({ state: 'detached' });
    await r.locator('.reminders li').first().getByRole('button', { name: 'Snooze 10 min' }).click();
    await r.locator('.reminders li', { hasText: /^At / }).waitFor();
    assert.deepEqual(await r.locator('.details .error').allInnerTexts(), ['', '']);

    // The reminder fires: the notifier writes the inbox entry and the change.
    const me = (await api(page, '/auth/me')).body;
    const taskId = await r.getAttribute('data-task-id');
    const reminder = (await api(page, `/tasks/${taskId}/reminders`)).body.items[0];
    await deliver('/events/notifier', 'reminders.due', {
      userId: me.user.id,
      reminderId: reminder.id,
      taskId,
      title: 'Write report',
      fireAt: new Date().toISOString(),
      status: 'due',
      correlationId: randomUUID(),
    });
    await page.locator('.toast', { hasText: 'Reminder for “Write report”' }).waitFor({ timeout: LIVE_MS });
    await b.page.getByRole('button', { name: /Notifications, 1 unread/ }).waitFor({ timeout: LIVE_MS });
    await page.getByRole('button', { name: /Notifications, 1 unread/ }).click();
    await page.locator('#side-panel li.unread').waitFor();
    await shot(page, '09-inbox');
    await page.locator('#side-panel').getByRole('button', { name: 'Mark read' }).click();
    await page.getByRole('button', { name: 'Notifications', exact: true }).waitFor();
    // Read here, read on the other device too.
    await b.page.getByRole('button', { name: 'Notifications', exact: true }).waitFor({ timeout: LIVE_MS });
    await page.keyboard.press('Escape');
  });

  test('suggestions: accept moves an overdue task', async () => {
    const { page } = a;
    const ymd = berlinDate(-1);
    // The panel is open before the task exists: tasks.created goes through
    // the sidecar to the overdue agent, whose suggestion reaches the open page
    // through the change feed, worded in the user's time.
    await page.getByRole('button', { name: /^Suggestions/ }).click();
    await page.locator('#side-panel').waitFor();
    await quickAdd(page, 'File the tax return #admin', `${ymd}T10:00`);
    const r = row(page, 'File the tax return');
    await r.waitFor();
    assert.match(await r.locator('time.due').innerText(), /Overdue/);
    const card = page.locator('#side-panel li.suggestion', { hasText: 'File the tax return' });
    await card.waitFor({ timeout: 5000 });
    assert.match(await card.innerText(), /was due yesterday\. Move it to \w{3} \d{1,2} \w{3}, 10:00 or mark it done\?/);
    await shot(page, '10-suggestions');
    const taskId = await r.getAttribute('data-task-id');
    const oldDue = Date.parse((await api(page, `/tasks/${taskId}`)).body.dueAt);
    await card.getByRole('button', { name: 'Accept' }).click();
    await card.waitFor({ state: 'detached' });
    await page.keyboard.press('Escape');
    await r.locator('time.due', { hasText: /^Due / }).waitFor({ timeout: LIVE_MS });
    // The agent's rule: the same time of day, on the first day from now.
    // Whether that is later today or tomorrow depends on the hour of the run,
    // so the expectation is computed from the moment the task was accepted.
    const newDue = Date.parse((await api(page, `/tasks/${taskId}`)).body.dueAt);
    const acceptedAt = Date.now();
    assert.equal((newDue - oldDue) % 86_400_000, 0, 'moved by whole days');
    assert.ok(newDue > acceptedAt - 60_000 && newDue - 86_400_000 <= acceptedAt, 'the first such time from now');
    const dueDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(newDue);
    const label = await r.locator('time.due').innerText();
    if (dueDay === berlinDate(1)) assert.match(label, /^Due tomorrow 10:00/);
    else assert.match(label, /^Due (today 10:00|in \d+ (hours?|minutes?))/);
  });

  test('repeat a task', async () => {
    const { page } = a;
    await page.getByRole('button', { name: 'Repeat…' }).click();
    await page.locator('.quick-add select').selectOption('weekly');
    await quickAdd(page, 'Water the plants', tomorrowAt(7));
    const r = row(page, 'Water the plants');
    await r.waitFor();
    assert.equal(await page.locator('#qa-error').innerText(), '');
    await r.locator('.repeat').waitFor();
    assert.match(await r.locator('.repeat').innerText(), /↻/);
    const first = await r.getAttribute('data-task-id');
    await r.locator('input.check').click();
    // The recurrence agent creates the next instance, a week later, and the
    // change feed brings it to the page.
    const next = page.locator(`li.task:not([data-task-id="${first}"])`, {
      has: page.locator('.title', { hasText: 'Water the plants' }),
    });
    await next.waitFor({ timeout: 10_000 });
    assert.doesNotMatch(await next.locator('time.due').innerText(), /tomorrow/i);
    assert.equal(await row(page, 'Water the plants').count(), 1, 'exactly one open instance');

    // Stop repeating from the task's details: the task stays, without a repeat.
    await next.getByRole('button', { name: 'Details' }).click();
    const repeat = next.locator('section.sub', { has: page.locator('h3', { hasText: 'Repeat' }) });
    await repeat.locator('select').first().selectOption('');
    await repeat.getByRole('button', { name: 'Stop repeating' }).click();
    await next.locator('.repeat').waitFor({ state: 'detached' });
    assert.equal(await repeat.locator('.error').innerText(), '');

    // A one-off task starts repeating from its details.
    const once = row(page, 'Write report');
    await once.getByRole('button', { name: 'Details' }).click();
    const onceRepeat = once.locator('section.sub', { has: page.locator('h3', { hasText: 'Repeat' }) });
    await onceRepeat.locator('select').first().selectOption('weekdays');
    await onceRepeat.getByRole('button', { name: 'Save repeat' }).click();
    await once.locator('.repeat').waitFor();
    assert.equal(await onceRepeat.locator('.error').innerText(), '');
    await once.getByRole('button', { name: 'Details' }).click();
  });

  test('quick add reads a date, a repeat rule and a priority, lights them up, and a part can stay text', async () => {
    const { page } = a;
    await page.fill('#quick-add', 'Water the ferns every 3 days at 6pm !high #garden');
    await page.locator('.qa-backdrop mark.qa-repeat').waitFor();
    await page.locator('.qa-backdrop mark.qa-priority').waitFor();
    await page.locator('.qa-backdrop mark.qa-tag').waitFor();
    assert.match(await page.locator('.qa-summary').innerText(), /I read this as: .*Water the ferns/);
    await shot(page, '14-quick-add');
    await page.press('#quick-add', 'Enter');
    await row(page, 'Water the ferns').waitFor();
    const ferns = (await api(page, '/tasks?status=all&limit=100')).body.items.find((t) => t.title === 'Water the ferns');
    assert.equal(ferns.priority, 'high');
    assert.deepEqual(ferns.tags, ['garden']);
    assert.equal(ferns.recurrence.rrule, 'FREQ=DAILY;INTERVAL=3');
    assert.match(ferns.dueAt, /T17:00:00/, 'at 18:00 Berlin');

    // "tomorrow at 6pm" read as a date, then kept as words of the title.
    await page.fill('#quick-add', 'Call mom tomorrow at 6pm');
    const chip = page.locator('.qa-chip.qa-date');
    await chip.waitFor();
    await chip.getByRole('button', { name: /Keep “tomorrow at 6pm” as text/ }).click();
    await page.locator('.qa-backdrop mark.qa-date').waitFor({ state: 'detached' });
    await page.press('#quick-add', 'Enter');
    await row(page, 'Call mom tomorrow at 6pm').waitFor();
    const call = (await api(page, '/tasks?status=all&limit=100')).body.items.find((t) => t.title === 'Call mom tomorrow at 6pm');
    assert.equal(call.dueAt, null);
    // A misread task is taken back in one step.
    await page.locator('.toast', { hasText: 'Added “Call mom tomorrow at 6pm”' }).getByRole('button', { name: 'Undo' }).click();
    await row(page, 'Call mom tomorrow at 6pm').waitFor({ state: 'detached' });
    assert.equal((await api(page, `/tasks/${call.id}`)).status, 404);
  });

  test('assistant: chat creates, completes and deletes (confirmed); a question creates nothing; a reminder arrives with a working snooze', async () => {
    const { page } = a;
    await page.getByRole('button', { name: 'Assistant' }).click();
    const panel = page.locator('#side-panel');
    await page.locator('#chat-input').waitFor();
    const replies = panel.locator('.chat-assistant');
    const say = async (text) => {
      const before = await replies.count();
      await page.fill('#chat-input', text);
      await page.press('#chat-input', 'Enter');
      await replies.nth(before).waitFor();
      return replies.nth(before);
    };
    const taskTitled = async (title) =>
      (await api(page, '/tasks?status=all&limit=100')).body.items.find((t) => t.title === title);

    const created = await say('Create a task called Review PR with high priority');
    assert.match(await created.innerText(), /Review PR/);
    assert.match(await created.innerText(), /I read this as:/);
    const task = await taskTitled('Review PR');
    assert.equal(task?.priority, 'high');
    await row(page, 'Review PR').waitFor();
    await shot(page, '13-assistant');

    await say('mark Review PR as done');
    assert.equal((await taskTitled('Review PR'))?.completed, true);

    // A delete waits for a yes, offered as a button.
    await say('delete Review PR');
    assert.ok(await taskTitled('Review PR'), 'nothing deleted before the answer');
    const repliesBefore = await replies.count();
    await panel.getByRole('button', { name: 'Yes' }).click();
    await replies.nth(repliesBefore).waitFor();
    await panel.getByRole('button', { name: 'Yes' }).waitFor({ state: 'detached' });
    for (let i = 0; i < 20 && (await taskTitled('Review PR')); i++) await page.waitForTimeout(100);
    assert.equal(await taskTitled('Review PR'), undefined);

    // A question is answered, not turned into a task.
    const count = (await api(page, '/tasks?status=all&limit=100')).body.items.length;
    const answer = await say("what's due tomorrow?");
    assert.match(await answer.innerText(), /Write report|Plan the trip|nothing|no tasks/i);
    assert.equal((await api(page, '/tasks?status=all&limit=100')).body.items.length, count);

    // A reminder that fires shows up in the conversation, and can be snoozed there.
    const due = new Date(Date.now() + 3 * 3_600_000).toISOString();
    const call = (await api(page, '/tasks', { method: 'POST', body: JSON.stringify({ title: 'Call the plumber', dueAt: due }) })).body;
    const reminder = (
      await api(page, `/tasks/${call.id}/reminders`, { method: 'POST', body: JSON.stringify({ before: '15m' }) })
    ).body;
    const me = (await api(page, '/auth/me')).body;
    await deliver('/events/notifier', 'reminders.due', {
      userId: me.user.id,
      reminderId: reminder.id,
      taskId: call.id,
      title: 'Call the plumber',
      fireAt: new Date().toISOString(),
      status: 'due',
      correlationId: randomUUID(),
    });
    const entry = panel.locator('.chat-reminder', { hasText: 'Call the plumber' });
    await entry.waitFor({ timeout: LIVE_MS });
    await entry.getByRole('button', { name: 'Snooze 10 min' }).click();
    await entry.locator('text=Snoozed for 10 minutes').waitFor();
    const after = (await api(page, `/tasks/${call.id}/reminders`)).body.items.find((r) => r.id === reminder.id);
    assert.equal(after.status, 'scheduled');
    assert.ok(Date.parse(after.fireAt) > Date.now() + 8 * 60_000, `snoozed to ${after.fireAt}`);

    // What a reply did can be undone from the conversation.
    const stamps = await say('add buy stamps');
    await row(page, 'Buy stamps').waitFor();
    await stamps.getByRole('button', { name: 'Undo' }).click();
    await stamps.locator('text=Undone').waitFor();
    await row(page, 'Buy stamps').waitFor({ state: 'detached' });

    // The conversation is kept across a reload.
    await page.reload();
    await page.locator('#quick-add').waitFor();
    await page.evaluate(() => document.activeElement?.blur());
    await page.keyboard.press('a'); // the panel's shortcut
    await panel.locator('.chat-user', { hasText: 'Create a task called Review PR' }).waitFor();
    await page.keyboard.press('Escape');
  });

  test('settings: timezone, agents, webhook and its secret, email reminders confirmed from the dev mailbox', async () => {
    const { page } = a;
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.waitForSelector('#timezone');
    assert.equal(await page.inputValue('#timezone'), 'Europe/Berlin');
    await page.fill('#webhook', 'ftp://example.com');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.locator('.settings .error', { hasText: 'webhookUrl must be an http(s) URL' }).waitFor();
    await page.fill('#webhook', 'https://example.com/hooks/tasks');
    await page.uncheck('text=Suggestions from assistants');
    assert.equal(await page.inputValue('#default-reminder'), '15', 'new accounts: 15 minutes before');
    await page.selectOption('#default-reminder', '60');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.locator('[data-testid=webhook-secret]').waitFor();
    await page.getByRole('button', { name: 'Show' }).click();
    assert.match(await page.locator('[data-testid=webhook-secret]').innerText(), /^whsec_/);
    await shot(page, '11-settings');
    const s = (await api(page, '/settings')).body;
    assert.equal(s.agentsEnabled, false);
    assert.equal(s.webhookUrl, 'https://example.com/hooks/tasks');
    assert.equal(s.defaultReminderMinutes, 60);

    // The calendar feed: on, its address serves iCalendar, off.
    await page.getByRole('button', { name: 'Turn on the calendar feed' }).click();
    const feedUrl = await page.locator('#calendar-url').inputValue();
    assert.match(feedUrl, /^http:\/\/[^/]+\/api\/v1\/calendar\/feed\/[0-9a-f]{64}\.ics$/);
    const ics = await page.evaluate(async (u) => (await fetch(u, { credentials: 'omit' })).text(), feedUrl);
    assert.match(ics, /^BEGIN:VCALENDAR\r\n[\s\S]*SUMMARY:Write report/);
    await page.getByRole('button', { name: 'Turn off' }).click();
    await page.getByRole('button', { name: 'Turn on the calendar feed' }).waitFor();

    // Email reminders: asking mails a link (locally into the dev mailbox);
    // following it turns them on, and Settings says so.
    await page.getByLabel('Reminders by email').check();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.locator('.toast', { hasText: 'follow the link in the mail' }).waitFor();
    await page.locator('[data-testid=email-status]', { hasText: 'Waiting for you to follow the link' }).waitFor();
    let confirmPath = null;
    for (let i = 0; i < 40 && !confirmPath; i++) {
      const files = existsSync(host.mailbox) ? readdirSync(host.mailbox) : [];
      for (const f of files) {
        // 7bit or quoted-printable: undo soft line breaks and the escaped '='.
        const raw = readFileSync(join(host.mailbox, f), 'utf8').replace(/=\r?\n/g, '').replace(/=3D/g, '=');
        confirmPath = raw.match(/\/api\/v1\/auth\/email\/confirm\?token=[\w-]+/)?.[0] ?? confirmPath;
      }
      if (!confirmPath) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(confirmPath, 'the confirmation mail is in the dev mailbox');
    const confirmTab = await page.context().newPage();
    await confirmTab.goto(host.url + confirmPath);
    await confirmTab.getByRole('heading', { name: 'Email reminders are on' }).waitFor();
    await confirmTab.close();
    assert.equal((await api(page, '/settings')).body.emailConfirmed, true);

    // Due times follow the timezone setting.
    await page.selectOption('#timezone', 'America/New_York');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.locator('.toast', { hasText: 'Settings saved' }).waitFor();
    await page.locator('a.brand').click();
    await page.locator('#quick-add').waitFor();
    assert.match(await row(page, 'Write report').locator('time.due').innerText(), /3:00 AM/);
  });

  test('lists: create, add into one, see it live elsewhere, back and forward, delete with its tasks', async () => {
    const { page } = a;
    const pick = (p, name) => p.locator('.list-bar button.list-pick', { hasText: name });
    await waitLive(page);
    await waitLive(b.page);
    await page.getByRole('button', { name: '+ New list' }).click();
    await page.fill('#new-list-name', 'Groceries');
    await page.press('#new-list-name', 'Enter');
    await page.locator('.list-title', { hasText: 'Groceries' }).waitFor();
    const listId = new URL(page.url()).searchParams.get('list');
    assert.ok(listId, 'the list has a URL of its own');
    // The other device gets the new list live.
    await pick(b.page, 'Groceries').waitFor({ timeout: LIVE_MS });

    // Added while the list is shown: into the list.
    await quickAdd(page, 'Oat milk');
    await row(page, 'Oat milk').waitFor();
    assert.equal(await page.locator('li.task').count(), 1, 'the list shows only its own tasks');
    await shot(page, '13-list');
    // From All, `#groceries` names the list and is not kept as a tag.
    await pick(page, 'All').click();
    await quickAdd(page, 'Sourdough bread #groceries');
    await row(page, 'Sourdough bread').waitFor();
    assert.match(await row(page, 'Sourdough bread').innerText(), /Groceries/);
    assert.doesNotMatch(await row(page, 'Sourdough bread').innerText(), /#groceries/);
    const inList = await api(page, `/tasks?listId=${listId}`);
    assert.deepEqual(inList.body.items.map((t) => t.title).sort(), ['Oat milk', 'Sourdough bread']);
    // The Inbox holds neither; back returns to All, forward to the Inbox.
    await pick(page, 'Inbox').click();
    await row(page, 'Write report').waitFor();
    assert.equal(await row(page, 'Oat milk').count(), 0);
    await page.goBack();
    await row(page, 'Oat milk').waitFor();
    assert.equal(new URL(page.url()).search, '');
    await page.goForward();
    await row(page, 'Oat milk').waitFor({ state: 'detached' });
    assert.equal(new URL(page.url()).searchParams.get('list'), 'inbox');

    // The other device shows the list with both tasks and its count.
    await pick(b.page, 'Groceries').click();
    await row(b.page, 'Sourdough bread').waitFor({ timeout: LIVE_MS });
    assert.match(await pick(b.page, 'Groceries').innerText(), /2/);

    // Deleting asks first, then takes the tasks with it, here and there.
    await pick(page, 'Groceries').click();
    await page.getByRole('button', { name: 'Delete…' }).click();
    const confirm = page.getByRole('group', { name: 'Confirm deleting the list' });
    assert.match(await confirm.innerText(), /Groceries” and its 2 tasks/);
    await confirm.getByRole('button', { name: 'Delete list' }).click();
    await pick(page, 'Groceries').waitFor({ state: 'detached' });
    await pick(b.page, 'Groceries').waitFor({ state: 'detached', timeout: LIVE_MS });
    await row(b.page, 'Sourdough bread').waitFor({ state: 'detached', timeout: LIVE_MS });
    assert.equal((await api(page, `/tasks?listId=${listId}`)).body.items.length, 0);
    await pick(page, 'All').click();
    await pick(b.page, 'All').click();
    await row(page, 'Write report').waitFor();
  });

  test('Today and Upcoming: what is due by day; a task moves a day with ] and by dragging', async () => {
    const { page } = a;
    const view = (name) => page.locator(`.list-bar button[data-view=${name}]`);
    const day = (i) => page.locator('.upcoming section.day').nth(i);
    await view('today').click();
    assert.equal(new URL(page.url()).searchParams.get('view'), 'today');
    // Added in Today without a date: due today, shown without a time.
    await quickAdd(page, 'Water the orchid');
    await row(page, 'Water the orchid').waitFor();
    assert.equal(await row(page, 'Water the orchid').locator('time.due').innerText(), 'Due today');
    const later = await api(page, '/tasks', {
      method: 'POST',
      body: JSON.stringify({ title: 'Renew the passport', dueAt: new Date(Date.now() + 3 * 86_400_000).toISOString() }),
    });
    assert.equal(later.status, 201);
    await view('upcoming').click();
    await day(0).locator('li.task', { hasText: 'Water the orchid' }).waitFor();
    await day(3).locator('li.task', { hasText: 'Renew the passport' }).waitFor();
    assert.match(await day(1).locator('h2').innerText(), /^Tomorrow/);
    // Keyboard: ] moves the selected task a day later, [ earlier.
    await row(page, 'Water the orchid').click({ position: { x: 300, y: 12 } });
    await page.keyboard.press(']');
    await day(1).locator('li.task', { hasText: 'Water the orchid' }).waitFor();
    // Dragging a task onto another day moves it there, at the same time.
    const before = (await api(page, `/tasks/${later.body.id}`)).body.dueAt;
    await row(page, 'Renew the passport').dragTo(day(5));
    await day(5).locator('li.task', { hasText: 'Renew the passport' }).waitFor();
    const after = (await api(page, `/tasks/${later.body.id}`)).body.dueAt;
    assert.equal(Date.parse(after) - Date.parse(before), 2 * 86_400_000);
    await shot(page, '14-upcoming');
    // Back returns to Today, where the moved task no longer is.
    await page.goBack();
    assert.equal(new URL(page.url()).searchParams.get('view'), 'today');
    await row(page, 'Water the orchid').waitFor({ state: 'detached' });
    await page.locator('.list-bar button[data-list=all]').click();
  });

  test('Today and Upcoming around midnight in Tokyo, on the page clock', async () => {
    // 23:50 in Tokyo (UTC+9, no daylight saving) on 10 March 2027.
    const ctx = await browser.newContext({ viewport: { width: 1200, height: 820 }, timezoneId: 'Asia/Tokyo', locale: 'en-US' });
    await ctx.clock.install({ time: new Date('2027-03-10T14:50:00Z') });
    const page = await ctx.newPage();
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    await page.goto(host.url + '/');
    await page.click('text=Create an account');
    await page.fill('#email', uniqueEmail('kenji'));
    await page.fill('#password', PASSWORD);
    await page.click('form button[type=submit]');
    await page.waitForSelector('#quick-add');
    assert.equal((await api(page, '/settings')).body.timezone, 'Asia/Tokyo', 'new accounts take the browser zone');
    for (const [title, dueAt] of [
      ['Late call', '2027-03-10T14:55:00Z'], // 23:55 today
      ['Early run', '2027-03-10T15:10:00Z'], // 00:10 tomorrow
    ]) {
      assert.equal((await api(page, '/tasks', { method: 'POST', body: JSON.stringify({ title, dueAt }) })).status, 201);
    }
    await row(page, 'Early run').waitFor();
    const titles = () => page.locator('li.task .title').allInnerTexts();
    const day = (i) => page.locator('.upcoming section.day').nth(i);
    await page.locator('.list-bar button[data-view=today]').click();
    assert.deepEqual(await titles(), ['Late call']);
    await page.locator('.list-bar button[data-view=upcoming]').click();
    assert.deepEqual(await day(0).locator('.title').allInnerTexts(), ['Late call']);
    assert.deepEqual(await day(1).locator('.title').allInnerTexts(), ['Early run']);
    // Twenty minutes later it is the 11th in Tokyo: yesterday's call is
    // overdue and still in Today; Upcoming starts with the new day.
    await ctx.clock.fastForward('20:00');
    await day(0).locator('.title', { hasText: 'Early run' }).waitFor();
    assert.equal(await day(0).locator('.title', { hasText: 'Late call' }).count(), 0);
    assert.match(await day(0).locator('h2').innerText(), /^Today · Thu, Mar 11/);
    await page.locator('.list-bar button[data-view=today]').click();
    assert.deepEqual(await titles(), ['Late call', 'Early run']);
    assert.match(await row(page, 'Late call').locator('time.due').innerText(), /^Overdue/);
    await ctx.close();
  });

  test('repeating: the Repeating view skips, pauses and resumes; deleting asks only this one or all future', async () => {
    const { page } = a;
    const due = new Date(Date.now() + 86_400_000).toISOString();
    const made = await api(page, '/tasks', {
      method: 'POST',
      body: JSON.stringify({ title: 'Feed the cat', dueAt: due, recurrence: { rrule: 'FREQ=DAILY' } }),
    });
    assert.equal(made.status, 201);
    await page.locator('.list-bar button[data-view=repeating]').click();
    assert.equal(new URL(page.url()).searchParams.get('view'), 'repeating');
    const card = page.locator('.series-list li', { hasText: 'Feed the cat' });
    await card.waitFor();
    assert.match(await card.innerText(), /every day[\s\S]*Active[\s\S]*next/i);
    await card.getByRole('button', { name: 'Skip next' }).click();
    await card.locator('text=1 date skipped').waitFor();
    const open = async () =>
      (await api(page, '/tasks?status=open&limit=100')).body.items.filter((t) => t.title === 'Feed the cat');
    let instances = await open();
    assert.equal(instances.length, 1);
    // A day later (the rule keeps whole seconds; the first due time had milliseconds).
    const moved = Date.parse(instances[0].dueAt) - Date.parse(made.body.dueAt);
    assert.ok(Math.abs(moved - 86_400_000) < 1000, `moved by ${moved} ms`);
    await card.getByRole('button', { name: 'Pause' }).click();
    await card.locator('.status', { hasText: 'Paused' }).waitFor();
    await card.getByRole('button', { name: 'Resume' }).click();
    await card.locator('.status', { hasText: 'Active' }).waitFor();
    await shot(page, '15-repeating');

    // Deleting the open instance asks; "only this one" keeps the series going.
    await page.locator('.list-bar button[data-list=all]').click();
    const before = instances[0].id;
    await row(page, 'Feed the cat').getByRole('button', { name: /^Delete/ }).click();
    const choice = page.getByRole('group', { name: /Delete the repeating task/ });
    await choice.getByRole('button', { name: 'Only this one' }).click();
    const next = page.locator(`li.task:not([data-task-id="${before}"])`, {
      has: page.locator('.title', { hasText: 'Feed the cat' }),
    });
    await next.waitFor({ timeout: 10_000 });
    instances = await open();
    assert.equal(instances.length, 1);
    assert.notEqual(instances[0].id, before);
    // "This and all future" ends it.
    await next.getByRole('button', { name: /^Delete/ }).click();
    await choice.getByRole('button', { name: 'This and all future' }).click();
    await row(page, 'Feed the cat').waitFor({ state: 'detached' });
    await page.waitForTimeout(5500);
    assert.equal((await open()).length, 0);
    const series = (await api(page, '/recurrences')).body.items.find((r) => r.id === made.body.seriesId);
    assert.equal(series.status, 'stopped');
    assert.equal(series.exdates.length, 2);
  });

  test('on a phone screen', async () => {
    const phone = await device({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await signIn(phone.page, email);
    await row(phone.page, 'Write report').waitFor();
    const width = await phone.page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `no sideways scrolling (page is ${width}px wide)`);
    await shot(phone.page, '12-phone');
    await phone.ctx.close();
  });

  test('connect an AI app over OAuth: sign in on the consent page, approve, see it in Settings, disconnect', async () => {
    // The app registers and sends the user to the authorization endpoint, as MCP clients do.
    const redirect = 'http://127.0.0.1:9/callback';
    const reg = await fetch(`${host.url}/oauth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_name: 'Claude (test)', redirect_uris: [redirect], token_endpoint_auth_method: 'none' }),
    });
    assert.equal(reg.status, 201);
    const clientId = (await reg.json()).client_id;
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const authorize = `${host.url}/oauth/authorize?${new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: redirect,
      state: 'st-1',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      resource: `${host.url}/mcp`,
    })}`;

    // A browser with no session: the consent page asks to sign in first, then shows the app.
    const ctx = await browser.newContext({ viewport: { width: 1200, height: 820 }, timezoneId: 'Europe/Berlin', locale: 'en-US' });
    const page = await ctx.newPage();
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    await page.route('http://127.0.0.1:9/**', (route) => route.fulfill({ status: 200, body: 'back in the app' }));
    await page.goto(authorize);
    await page.locator('text=Sign in to connect an app').waitFor();
    await page.fill('#email', email);
    await page.fill('#password', PASSWORD);
    await page.click('form button[type=submit]');
    await page.getByRole('heading', { name: 'Connect Claude (test)?' }).waitFor();
    assert.match(page.url(), /\/connect\?/);
    assert.equal(await page.locator('input[name=scope]:checked').count(), 2);
    await shot(page, '16-oauth-consent');
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.waitForURL(/127\.0\.0\.1:9\/callback\?code=/);
    const back = new URL(page.url());
    assert.equal(back.searchParams.get('state'), 'st-1');
    assert.equal(back.searchParams.get('iss'), host.url);

    // The app exchanges the code and calls a tool.
    const tokenRes = await fetch(`${host.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: back.searchParams.get('code'),
        redirect_uri: redirect,
        client_id: clientId,
        code_verifier: verifier,
      }),
    });
    assert.equal(tokenRes.status, 200);
    const { access_token: access } = await tokenRes.json();
    const mcp = (body) =>
      fetch(`${host.url}/mcp`, {
        method: 'POST',
        headers: { authorization: `Bearer ${access}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify(body),
      });
    const made = await mcp({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'create_task', arguments: { title: 'Filed by Claude' } } });
    assert.equal(made.status, 200);
    await ctx.close();

    // The user sees it in Settings, with what it did, and disconnects it.
    const { page: p } = a;
    p.once('dialog', (d) => void d.accept());
    await p.getByRole('button', { name: 'Settings' }).click();
    const app = p.locator('.connected-apps .apps li', { hasText: 'Claude (test)' });
    await app.waitFor();
    assert.match(await app.innerText(), /may read and change your tasks/);
    await p.locator('.connected-apps summary').click();
    assert.match(await p.locator('.connected-apps .activity').innerText(), /Claude \(test\): create_task/);
    await shot(p, '17-connected-apps');
    await p.getByRole('button', { name: 'Disconnect Claude (test)' }).click();
    await p.locator('.connected-apps', { hasText: 'No apps connected.' }).waitFor();
    assert.equal((await mcp({ jsonrpc: '2.0', id: 2, method: 'tools/list' })).status, 401);
    await p.locator('a.brand').click();
    await row(p, 'Filed by Claude').waitFor();
  });

  test('sign out', async () => {
    const { page } = a;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForSelector('#email');
    await page.reload();
    await page.waitForSelector('#email');
    assert.equal((await api(page, '/tasks')).status, 401);
    await a.ctx.close();
    await b.ctx.close();
    assert.deepEqual(errors, [], 'no script errors on any page');
  });
});
