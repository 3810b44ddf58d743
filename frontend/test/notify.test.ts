import { describe, expect, it } from 'vitest';
import { actionRequest, notificationFor, readMessage } from '../src/notify';
import { keyBytes } from '../src/push';

const message = {
  kind: 'reminder',
  notificationId: 'n-1',
  reminderId: 'r/1',
  taskId: 't-1',
  title: 'Water the plants',
  body: 'Due Mon 7 Dec 2026, 09:00',
  url: '/',
};

describe('push messages', () => {
  it('reads what the notifier sends and nothing else', () => {
    expect(readMessage(message)).toEqual(message);
    expect(readMessage({ ...message, kind: 'other' })).toBeNull();
    expect(readMessage({ ...message, taskId: 3 })).toBeNull();
    expect(readMessage('text')).toBeNull();
    expect(readMessage(null)).toBeNull();
    // A link away from the app is not followed.
    expect(readMessage({ ...message, url: 'https://evil.example/' })?.url).toBe('/');
    expect(readMessage({ ...message, url: '//evil.example/' })?.url).toBe('/');
  });

  it('makes one notification per reminder, with Done and Snooze', () => {
    const { title, options } = notificationFor(readMessage(message)!);
    expect(title).toBe('Water the plants');
    expect(options.tag).toBe('n-1');
    expect(options.body).toBe('Due Mon 7 Dec 2026, 09:00');
    expect(options.actions.map((a) => a.action)).toEqual(['done', 'snooze']);
  });

  it('shows a digest without buttons', () => {
    const digest = { kind: 'digest', notificationId: 'n-2', title: '3 reminders from your quiet hours', body: 'A\nB\nC', url: '/' };
    const m = readMessage(digest)!;
    expect(m).toEqual(digest);
    expect(notificationFor(m).options.actions).toEqual([]);
    expect(actionRequest(m, 'done')).toBeNull();
  });

  it('turns the buttons into API calls', () => {
    const m = readMessage(message)!;
    expect(actionRequest(m, 'done')).toEqual({ method: 'POST', path: '/tasks/t-1/complete' });
    expect(actionRequest(m, 'snooze')).toEqual({ method: 'POST', path: '/reminders/r%2F1/snooze', body: { minutes: 10 } });
    expect(actionRequest(m, '')).toBeNull();
  });

  it('decodes the server key for applicationServerKey', () => {
    expect(Array.from(keyBytes('AAECAwQFBgcICQoLDA0ODw'))).toEqual([...Array(16).keys()]);
    expect(Array.from(keyBytes('-_8'))).toEqual([251, 255]);
  });
});
