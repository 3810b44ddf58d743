// Web Push on this device: the service worker's registration, the
// browser's subscription, and the server's record of it. A device is "on"
// when the browser holds a subscription the server knows.

import type { ApiClient } from './api';

export interface PushDevice {
  id: string;
  endpoint: string;
  label: string;
  createdAt: string;
}

export type PushStatus =
  /** No service worker or Push API in this browser (or not a secure origin). */
  | 'unsupported'
  /** The server has no VAPID key. */
  | 'unavailable'
  /** The person blocked notifications for this site. */
  | 'denied'
  | 'off'
  | 'on';

export function pushSupported(): boolean {
  return typeof window !== 'undefined' && window.isSecureContext && 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
}

/** The server's key (base64url) as the bytes `applicationServerKey` takes. */
export function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function sameKey(a: ArrayBuffer | null | undefined, b: Uint8Array): boolean {
  if (!a) return false;
  const x = new Uint8Array(a);
  return x.length === b.length && x.every((v, i) => v === b[i]);
}

async function worker(): Promise<ServiceWorkerRegistration> {
  await navigator.serviceWorker.register('/sw.js', { scope: '/' });
  return navigator.serviceWorker.ready;
}

async function ownSubscription(): Promise<PushSubscription | null> {
  const reg = await navigator.serviceWorker.getRegistration('/');
  return (await reg?.pushManager.getSubscription()) ?? null;
}

/** Where this device stands, and every device the account has subscribed. */
export async function pushStatus(api: ApiClient): Promise<{ status: PushStatus; devices: PushDevice[]; endpoint?: string }> {
  if (!pushSupported()) return { status: 'unsupported', devices: [] };
  const [key, list] = await Promise.all([
    api.get<{ publicKey: string }>('/push/key').catch(() => null),
    api.get<{ items: PushDevice[] }>('/push/subscriptions'),
  ]);
  if (!key) return { status: 'unavailable', devices: list.items };
  if (Notification.permission === 'denied') return { status: 'denied', devices: list.items };
  const sub = await ownSubscription();
  const on = !!sub && list.items.some((d) => d.endpoint === sub.endpoint);
  return { status: on ? 'on' : 'off', devices: list.items, endpoint: sub?.endpoint };
}

/** Asks for permission, subscribes this browser and tells the server. */
export async function subscribeDevice(api: ApiClient): Promise<void> {
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') {
    throw new Error('Notifications are blocked for this site: allow them in the browser’s site settings, then try again.');
  }
  const { publicKey } = await api.get<{ publicKey: string }>('/push/key');
  const key = keyBytes(publicKey);
  const reg = await worker();
  let sub = await reg.pushManager.getSubscription();
  // Subscribed under another server key (it was changed): start over.
  if (sub && !sameKey(sub.options?.applicationServerKey, key)) {
    await sub.unsubscribe();
    sub = null;
  }
  sub ??= await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
  await api.post('/push/subscriptions', sub.toJSON());
}

/** Removes a device from the account; this browser's own subscription ends too. */
export async function removeDevice(api: ApiClient, device: PushDevice): Promise<void> {
  await api.del(`/push/subscriptions/${encodeURIComponent(device.id)}`);
  const sub = await ownSubscription();
  if (sub?.endpoint === device.endpoint) await sub.unsubscribe();
}
