import { describe, expect, it, vi } from 'vitest';
import { ApiError, type ApiClient } from '../src/api';
import { LiveSync } from '../src/sync';
import type { Change } from '../src/types';

const ch = (seq: number): Change => ({ seq, kind: 'task.deleted', entityId: `t${seq}`, data: {}, createdAt: '' });

function apiWith(get: (path: string) => Promise<unknown>): ApiClient {
  const no = () => Promise.reject(new Error('unused'));
  return { get: get as ApiClient['get'], request: no, post: no, patch: no, del: no };
}

describe('live sync', () => {
  it('delivers each change once, in order, and moves the cursor', () => {
    const seen: number[] = [];
    const sync = new LiveSync({
      api: apiWith(async () => ({ items: [], cursor: 0 })),
      onChanges: (items) => seen.push(...items.map((c) => c.seq)),
      onReload: async () => 0,
      EventSource: null,
    });
    sync.cursor = 3;
    sync.deliver([ch(5), ch(4), ch(3)]);
    sync.deliver([ch(5), ch(6)]);
    expect(seen).toEqual([4, 5, 6]);
    expect(sync.cursor).toBe(6);
  });

  it('catches up page by page after being offline', async () => {
    const pages: Record<number, Change[]> = { 10: Array.from({ length: 500 }, (_, i) => ch(11 + i)), 510: [ch(511)] };
    const get = vi.fn(async (path: string) => {
      const since = Number(/since=(\d+)/.exec(path)![1]);
      const items = pages[since] ?? [];
      return { items, cursor: items.length ? items[items.length - 1].seq : since };
    });
    const seen: number[] = [];
    const sync = new LiveSync({
      api: apiWith(get),
      onChanges: (items) => seen.push(...items.map((c) => c.seq)),
      onReload: async () => 0,
      EventSource: null,
    });
    sync.cursor = 10;
    await sync.resync();
    expect(get).toHaveBeenCalledTimes(2);
    expect(seen.length).toBe(501);
    expect(sync.cursor).toBe(511);
  });

  it('reloads everything when the server does not know the cursor (409)', async () => {
    const onReload = vi.fn(async () => 42);
    const sync = new LiveSync({
      api: apiWith(async () => {
        throw new ApiError(409, 'cursor_ahead', 'reload');
      }),
      onChanges: () => undefined,
      onReload,
      EventSource: null,
    });
    sync.cursor = 99;
    await sync.resync();
    expect(onReload).toHaveBeenCalledTimes(1);
    expect(sync.cursor).toBe(42);
  });

  it('opens the event stream from the cursor and applies change events', () => {
    const opened: string[] = [];
    class FakeES {
      static last: FakeES;
      readyState = 0;
      listeners: Record<string, (e: MessageEvent) => void> = {};
      onopen: (() => void) | null = null;
      onerror: (() => void) | null = null;
      constructor(url: string) {
        opened.push(url);
        FakeES.last = this;
      }
      addEventListener(type: string, fn: (e: MessageEvent) => void) {
        this.listeners[type] = fn;
      }
      close() {
        this.readyState = 2;
      }
    }
    const seen: number[] = [];
    const statuses: string[] = [];
    const sync = new LiveSync({
      api: apiWith(async () => ({ items: [], cursor: 0 })),
      onChanges: (items) => seen.push(...items.map((c) => c.seq)),
      onReload: async () => 0,
      onStatus: (s) => statuses.push(s),
      EventSource: FakeES as unknown as typeof EventSource,
    });
    sync.start(7);
    expect(opened).toEqual(['/api/v1/changes?since=7']);
    FakeES.last.onopen!();
    FakeES.last.listeners.change({ data: JSON.stringify(ch(8)) } as MessageEvent);
    FakeES.last.listeners.change({ data: JSON.stringify(ch(8)) } as MessageEvent);
    expect(seen).toEqual([8]);
    expect(statuses).toEqual(['connecting', 'live']);
    sync.wentOffline();
    expect(FakeES.last.readyState).toBe(2);
    expect(statuses.at(-1)).toBe('offline');
    sync.stop();
  });

  it('long-polls from the cursor when EventSource is unavailable', async () => {
    const paths: string[] = [];
    let calls = 0;
    const seen: number[] = [];
    let sync: LiveSync;
    const get = async (path: string) => {
      paths.push(path);
      calls += 1;
      if (calls === 1) return { items: [ch(4), ch(5)], cursor: 5 };
      sync.stop();
      return { items: [], cursor: 5 };
    };
    const statuses: string[] = [];
    sync = new LiveSync({
      api: apiWith(get),
      onChanges: (items) => seen.push(...items.map((c) => c.seq)),
      onReload: async () => 0,
      onStatus: (s) => statuses.push(s),
      EventSource: null,
      wait: 20,
    });
    sync.start(3);
    await vi.waitFor(() => expect(calls).toBe(2));
    expect(paths).toEqual(['/changes?since=3&wait=20', '/changes?since=5&wait=20']);
    expect(seen).toEqual([4, 5]);
    expect(statuses[0]).toBe('polling');
  });
});
