// The HTTP client: JSON in and out, the session cookie (same origin), and
// one error type carrying the server's code and message.

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /** The request field the server blamed, when it named one. */
  get field(): string | undefined {
    const d = this.details as { field?: unknown } | undefined;
    return d && typeof d.field === 'string' ? d.field : undefined;
  }
}

export interface RequestOptions {
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Lets the request outlive the page (used when it is being closed). */
  keepalive?: boolean;
  /** False for requests where 401 means "wrong password", not "signed out". */
  session?: boolean;
}

export interface ApiClient {
  request<T>(method: string, path: string, body?: unknown, opts?: RequestOptions): Promise<T>;
  get<T>(path: string, opts?: RequestOptions): Promise<T>;
  post<T>(path: string, body?: unknown, opts?: RequestOptions): Promise<T>;
  patch<T>(path: string, body: unknown, opts?: RequestOptions): Promise<T>;
  del<T>(path: string, opts?: RequestOptions): Promise<T>;
}

export interface ApiConfig {
  base?: string;
  fetch?: typeof fetch;
  /** Called when an authenticated request is refused: the session ended. */
  onUnauthorized?: () => void;
}

export const NETWORK_MESSAGE = 'Cannot reach the server. Check your connection and try again.';

/** Turns a non-2xx response into an ApiError, using the server's JSON error when there is one. */
export async function errorFrom(res: Response): Promise<ApiError> {
  let text = '';
  try {
    text = await res.text();
  } catch {
    /* the body is optional */
  }
  if (text) {
    try {
      const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown; details?: unknown } };
      const e = body && body.error;
      if (e && typeof e.message === 'string' && e.message) {
        const code = typeof e.code === 'string' ? e.code : 'error';
        return new ApiError(res.status, code, e.message, e.details);
      }
    } catch {
      /* not JSON: fall through */
    }
  }
  const reason = res.statusText ? ` ${res.statusText}` : '';
  return new ApiError(res.status, 'http_error', `The server answered ${res.status}${reason}.`);
}

export function createApi(config: ApiConfig = {}): ApiClient {
  const base = config.base ?? '/api/v1';
  const doFetch = config.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));

  async function request<T>(method: string, path: string, body?: unknown, opts: RequestOptions = {}): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
    const init: RequestInit = { method, headers, credentials: 'same-origin', signal: opts.signal };
    if (opts.keepalive) init.keepalive = true;
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let res: Response;
    try {
      res = await doFetch(base + path, init);
    } catch (e) {
      if (e instanceof DOMException && e.name === 'AbortError') throw e;
      throw new ApiError(0, 'network_error', NETWORK_MESSAGE);
    }
    if (!res.ok) {
      const err = await errorFrom(res);
      if (res.status === 401 && opts.session !== false) config.onUnauthorized?.();
      throw err;
    }
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    if (!text) return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ApiError(res.status, 'invalid_response', 'The server sent an answer that could not be read.');
    }
  }

  return {
    request,
    get: (path, opts) => request('GET', path, undefined, opts),
    post: (path, body, opts) => request('POST', path, body, opts),
    patch: (path, body, opts) => request('PATCH', path, body, opts),
    del: (path, opts) => request('DELETE', path, undefined, opts),
  };
}

/** A message fit to show a person, whatever was thrown. */
export function messageOf(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  if (e instanceof Error && e.message) return e.message;
  return 'Something went wrong.';
}
