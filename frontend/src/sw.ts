// The service worker: shows the reminders the notifier pushes while no tab
// is open, and runs their "Done" and "Snooze 10 min" buttons against the
// API with the session cookie, without opening the app. Built to /sw.js
// (vite.config.ts) so that its scope is the whole app.

import { actionRequest, notificationFor, readMessage, type PushMessage } from './notify';

// The page's DOM typings do not describe a worker's global scope: the
// little this worker uses is declared here.
interface ExtendableEvent extends Event {
  waitUntil(work: Promise<unknown>): void;
}
interface PushEvent extends ExtendableEvent {
  data: { json(): unknown } | null;
}
interface ShownNotification {
  data: unknown;
  close(): void;
}
interface NotificationClickEvent extends ExtendableEvent {
  notification: ShownNotification;
  action: string;
}
interface WindowClient {
  url: string;
  focus(): Promise<unknown>;
}
interface WorkerScope {
  location: Location;
  registration: { showNotification(title: string, options: NotificationOptions): Promise<void> };
  clients: {
    matchAll(options: { type: 'window'; includeUncontrolled: boolean }): Promise<WindowClient[]>;
    openWindow(url: string): Promise<unknown>;
    claim(): Promise<void>;
  };
  skipWaiting(): Promise<void>;
  addEventListener(type: 'install' | 'activate', listener: (e: ExtendableEvent) => void): void;
  addEventListener(type: 'push', listener: (e: PushEvent) => void): void;
  addEventListener(type: 'notificationclick', listener: (e: NotificationClickEvent) => void): void;
}

const worker = self as unknown as WorkerScope;

// A new version takes over at once: it only shows notifications.
worker.addEventListener('install', (e) => e.waitUntil(worker.skipWaiting()));
worker.addEventListener('activate', (e) => e.waitUntil(worker.clients.claim()));

worker.addEventListener('push', (e) => {
  let message: PushMessage | null = null;
  try {
    message = readMessage(e.data?.json());
  } catch {
    /* not JSON: not ours */
  }
  if (!message) return;
  const { title, options } = notificationFor(message);
  e.waitUntil(worker.registration.showNotification(title, options));
});

worker.addEventListener('notificationclick', (e) => {
  e.notification.close();
  const message = readMessage(e.notification.data);
  if (message) e.waitUntil(onClick(message, e.action));
});

async function onClick(message: PushMessage, action: string): Promise<void> {
  const request = actionRequest(message, action);
  if (request) {
    try {
      const res = await fetch('/api/v1' + request.path, {
        method: request.method,
        credentials: 'same-origin',
        headers: { accept: 'application/json', 'content-type': 'application/json' },
        body: JSON.stringify(request.body ?? {}),
      });
      if (res.ok) return;
    } catch {
      /* offline: the app opens instead */
    }
  }
  // A click on the notification, or a button that could not act (signed
  // out, offline): the app, in a tab already open when there is one.
  const open = await worker.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const tab = open.find((c) => new URL(c.url).origin === worker.location.origin);
  if (tab) await tab.focus();
  else await worker.clients.openWindow(message.url);
}
