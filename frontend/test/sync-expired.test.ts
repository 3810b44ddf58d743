import { describe, expect, it, vi } from 'vitest';
import { ApiError, type ApiClient } from '../src/api';
import { LiveSync } from '../src/sync';
import type { Change } from '../src/types';

// The server keeps about a week of changes; a cursor from before that gets
// 410 cursor_expired, and the page reloads and resumes from the new cursor.

const ch = (seq: number): Change => ({ seq, kind: 'task.deleted', entityId: `t${seq}`, data: {}, createdAt: '' });
const expired = () => new ApiError(410, 'cursor_expired', 'the changes after this cursor are no longer kept');

function apiWith(get: (path: string) => Promise<unknown>): ApiClient {
  const no = () => Promise.reject(new Error('unused'));
  return { get: get as ApiClient['get'], request: no, post: no, patch: no, del: no };
}

describe('live sync with an expired cursor (410)', () => {
  it('reloads everything on a catch-up and takes the cursor of the reload', async () => {
    const onReload = vi.fn(async () => 42);
    const onChanges = vi.fn();
    const sync = new LiveSync({
      api: apiWith(async () => {
        throw expired();
      }),
      onChanges,
      onReload,
      EventSource: null,
    });
    sync.cursor = 3;
    await sync.resync();
    expect(onReload).toHaveBeenCalledTimes(1);
    expect(onChanges).not.toHaveBeenCalled();
    expect(sync.cursor).toBe(42);
  });

  it('long-polls from the reloaded cursor after a 410', async () => {
    const paths: string[] = [];
    const seen: number[] = [];
    let sync: LiveSync;
    const get = async (path: string) => {
      paths.push(path);
      if (paths.length === 1) throw expired();
      if (paths.length === 2) return { items: [ch(43)], cursor: 43 };
      sync.stop();
      return { items: [], cursor: 43 };
    };
    const onReload = vi.fn(async () => 42);
    sync = new LiveSync({
      api: apiWith(get),
      onChanges: (items) => seen.push(...items.map((c) => c.seq)),
      onReload,
      EventSource: null,
      wait: 20,
    });
    sync.start(5);
    await vi.waitFor(() => expect(paths.length).toBe(3));
    expect(paths).toEqual(['/changes?since=5&wait=20', '/changes?since=42&wait=20', '/changes?since=43&wait=20']);
    expect(onReload).toHaveBeenCalledTimes(1);
    expect(seen).toEqual([43]);
  });

  it('a refused stream finds the 410 with a JSON request, reloads, and streams from the new cursor', async () => {
    const opened: string[] = [];
    class FakeES {
      static last: FakeES;
      readyState = 0;
      onopen: (() => void) | null = null;
      onerror: (() => void) | null = null;
      constructor(url: string) {
        opened.push(url);
        FakeES.last = this;
      }
      addEventListener() {}
      close() {
        this.readyState = 2;
      }
    }
    const onReload = vi.fn(async () => 42);
    const paths: string[] = [];
    const sync = new LiveSync({
      // Only the old cursor is expired; the reloaded one catches up fine.
      api: apiWith(async (path) => {
        paths.push(path);
        if (path.includes('since=5')) throw expired();
        return { items: [], cursor: 42 };
      }),
      onChanges: () => undefined,
      onReload,
      EventSource: FakeES as unknown as typeof EventSource,
      retryMs: 1,
    });
    sync.start(5);
    // EventSource fails the connection on a non-200 status: CLOSED, then error.
    FakeES.last.readyState = 2;
    FakeES.last.onerror!();
    await vi.waitFor(() => expect(opened.length).toBe(2));
    expect(onReload).toHaveBeenCalledTimes(1);
    expect(opened).toEqual(['/api/v1/changes?since=5', '/api/v1/changes?since=42']);
    expect(paths[0]).toBe('/changes?since=5');
    sync.stop();
  });
});
