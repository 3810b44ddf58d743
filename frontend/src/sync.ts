// Live sync over the change feed. Server-sent events while online (the
// browser resumes a dropped stream with Last-Event-ID); after an outage or
// a refused stream, the missed changes are fetched as JSON pages from the
// last cursor; a cursor the server no longer knows (409) or whose changes
// it no longer keeps (410) means a full reload.
// Without EventSource it long-polls.

import { ApiError, type ApiClient } from './api';
import type { Change } from './types';

export type SyncStatus = 'idle' | 'connecting' | 'live' | 'polling' | 'offline';

export interface SyncOptions {
  api: ApiClient;
  base?: string;
  /** Changes in feed order, each delivered once. */
  onChanges: (items: Change[]) => void;
  /** Reload everything; answers the cursor taken before the reload. */
  onReload: () => Promise<number>;
  onStatus?: (s: SyncStatus) => void;
  /** The session ended. */
  onSignedOut?: () => void;
  EventSource?: typeof EventSource | null;
  /** Long-poll wait, seconds. */
  wait?: number;
  retryMs?: number;
}

interface FeedPage {
  items: Change[];
  cursor: number;
}

const PAGE = 500;

export class LiveSync {
  cursor = 0;
  private es: EventSource | null = null;
  private running = false;
  private offline = false;
  private poller: AbortController | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private slowTimer: ReturnType<typeof setTimeout> | null = null;
  private resyncing: Promise<void> | null = null;
  private status: SyncStatus = 'idle';
  private readonly opts: SyncOptions;
  private readonly ES: typeof EventSource | null;

  constructor(opts: SyncOptions) {
    this.opts = opts;
    this.ES =
      opts.EventSource !== undefined ? opts.EventSource : typeof EventSource === 'function' ? EventSource : null;
  }

  /** Starts from a cursor taken before the data it follows was loaded. */
  start(cursor: number): void {
    this.cursor = cursor;
    this.running = true;
    this.offline = typeof navigator !== 'undefined' && navigator.onLine === false;
    if (this.offline) this.setStatus('offline');
    else this.connect();
  }

  stop(): void {
    this.running = false;
    this.disconnect();
    this.setStatus('idle');
  }

  /** The browser lost its network: stop trying until it is back. */
  wentOffline(): void {
    this.offline = true;
    this.disconnect();
    this.setStatus('offline');
  }

  /** The network is back: catch up, then listen again. */
  cameOnline(): void {
    this.offline = false;
    if (!this.running) return;
    this.disconnect();
    void this.resync().then(() => this.connect());
  }

  /** Hands over the changes after the cursor, each once, in order. */
  deliver(items: Change[]): void {
    const fresh = items.filter((c) => c.seq > this.cursor).sort((a, b) => a.seq - b.seq);
    if (!fresh.length) return;
    this.cursor = fresh[fresh.length - 1].seq;
    this.opts.onChanges(fresh);
  }

  /** Fetches what was missed since the cursor; reloads everything when the cursor is unknown. */
  resync(): Promise<void> {
    if (!this.resyncing) {
      this.resyncing = this.catchUp().finally(() => {
        this.resyncing = null;
      });
    }
    return this.resyncing;
  }

  private async catchUp(): Promise<void> {
    try {
      for (;;) {
        const page = await this.opts.api.get<FeedPage>(`/changes?since=${this.cursor}`);
        this.deliver(page.items);
        if (page.items.length < PAGE) break;
      }
    } catch (e) {
      await this.handleError(e);
    }
  }

  private async handleError(e: unknown): Promise<void> {
    // 409: the cursor is ahead of the feed; 410: the changes after it were
    // pruned. Either way only a full reload brings the page up to date,
    // and the feed resumes from the cursor taken before that reload.
    if (e instanceof ApiError && (e.status === 409 || e.status === 410)) {
      this.cursor = await this.opts.onReload();
      return;
    }
    if (e instanceof ApiError && e.status === 401) {
      this.running = false;
      this.disconnect();
      this.opts.onSignedOut?.();
      return;
    }
    throw e;
  }

  private setStatus(s: SyncStatus): void {
    if (s === this.status) return;
    this.status = s;
    this.opts.onStatus?.(s);
  }

  private clearSlow(): void {
    if (this.slowTimer) {
      clearTimeout(this.slowTimer);
      this.slowTimer = null;
    }
  }

  private disconnect(): void {
    this.clearSlow();
    if (this.es) {
      this.es.close();
      this.es = null;
    }
    if (this.poller) {
      this.poller.abort();
      this.poller = null;
    }
    if (this.retryTimer) {
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
    }
  }

  private connect(): void {
    if (!this.running || this.offline) return;
    this.disconnect();
    if (this.ES) this.openStream(this.ES);
    else void this.pollLoop();
  }

  private retryLater(): void {
    if (this.retryTimer || !this.running) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.running || this.offline) return;
      this.resync()
        .then(() => this.connect())
        .catch(() => this.retryLater());
    }, this.opts.retryMs ?? 2000);
  }

  private openStream(ES: typeof EventSource): void {
    this.setStatus('connecting');
    const es = new ES(`${this.opts.base ?? '/api/v1'}/changes?since=${this.cursor}`, { withCredentials: true });
    this.es = es;
    es.onopen = () => {
      if (this.es !== es) return;
      this.clearSlow();
      this.setStatus('live');
    };
    es.addEventListener('change', (ev) => {
      if (this.es !== es) return;
      try {
        this.deliver([JSON.parse((ev as MessageEvent).data) as Change]);
      } catch {
        /* a malformed event is skipped; the next resync fills the gap */
      }
    });
    es.onerror = () => {
      if (this.es !== es) return;
      if (es.readyState === 2 /* CLOSED: refused (409, 401, 5xx) */) {
        es.close();
        this.es = null;
        this.setStatus('connecting');
        // Find out why with a JSON request (a 409 reloads), catch up, and
        // stream again after a pause so a failing stream does not spin.
        this.resync()
          .then(() => this.retryLater())
          .catch(() => this.retryLater());
      } else if (!this.slowTimer) {
        // The stream ended (every ~25 s) or dropped: the browser reconnects
        // with Last-Event-ID, usually within a second; say so only if not.
        this.slowTimer = setTimeout(() => {
          this.slowTimer = null;
          if (this.es === es && es.readyState !== 1) this.setStatus('connecting');
        }, 3000);
      }
    };
  }

  private async pollLoop(): Promise<void> {
    const ctrl = new AbortController();
    this.poller = ctrl;
    this.setStatus('polling');
    const wait = this.opts.wait ?? 25;
    while (this.running && !this.offline && this.poller === ctrl) {
      try {
        const page = await this.opts.api.get<FeedPage>(`/changes?since=${this.cursor}&wait=${wait}`, {
          signal: ctrl.signal,
        });
        if (this.poller !== ctrl) return;
        this.deliver(page.items);
      } catch (e) {
        if (ctrl.signal.aborted) return;
        try {
          await this.handleError(e);
        } catch {
          this.poller = null;
          this.retryLater();
          return;
        }
      }
    }
  }
}
