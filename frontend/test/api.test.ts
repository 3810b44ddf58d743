import { describe, expect, it, vi } from 'vitest';
import { ApiError, createApi, NETWORK_MESSAGE } from '../src/api';

function fakeFetch(status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return vi.fn(async () => new Response(status === 204 ? null : text, { status, headers }));
}

async function rejection(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    return e as ApiError;
  }
  throw new Error('expected the request to fail');
}

describe('API client', () => {
  it('sends JSON to /api/v1 with the session cookie and answers the parsed body', async () => {
    const fetch = fakeFetch(201, { id: 't1' });
    const api = createApi({ fetch });
    await expect(api.post('/tasks', { title: 'x' })).resolves.toEqual({ id: 't1' });
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/v1/tasks');
    expect(init.method).toBe('POST');
    expect(init.credentials).toBe('same-origin');
    expect(init.body).toBe('{"title":"x"}');
    expect((init.headers as Record<string, string>)['content-type']).toBe('application/json');
  });

  it('answers undefined for 204', async () => {
    const api = createApi({ fetch: fakeFetch(204, '') });
    await expect(api.del('/tasks/1')).resolves.toBeUndefined();
  });

  it("turns the server's error into an ApiError with its code, message and field", async () => {
    const body = {
      error: { code: 'validation_failed', message: 'title must be at most 200 characters', details: { field: 'title' } },
    };
    const api = createApi({ fetch: fakeFetch(400, body) });
    const err = await rejection(api.post('/tasks', { title: 'x'.repeat(201) }));
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(400);
    expect(err.code).toBe('validation_failed');
    expect(err.message).toBe('title must be at most 200 characters');
    expect(err.field).toBe('title');
  });

  it('describes errors that are not JSON by their status', async () => {
    const api = createApi({ fetch: fakeFetch(502, '<html>bad gateway</html>') });
    const err = await rejection(api.get('/tasks'));
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(502);
    expect(err.code).toBe('http_error');
    expect(err.message).toMatch(/502/);
  });

  it('reports a network failure as status 0 with a readable message', async () => {
    const api = createApi({
      fetch: vi.fn(async () => {
        throw new TypeError('Failed to fetch');
      }),
    });
    const err = await rejection(api.get('/tasks'));
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(0);
    expect(err.message).toBe(NETWORK_MESSAGE);
  });

  it('calls onUnauthorized for a 401 on a session request, not on sign-in', async () => {
    const onUnauthorized = vi.fn();
    const body = { error: { code: 'unauthorized', message: 'sign in first' } };
    const api = createApi({ fetch: fakeFetch(401, body), onUnauthorized });
    await expect(api.get('/tasks')).rejects.toThrow('sign in first');
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
    await expect(api.post('/auth/signin', {}, { session: false })).rejects.toBeInstanceOf(ApiError);
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });

  it('refuses an unreadable success body', async () => {
    const api = createApi({ fetch: fakeFetch(200, 'not json') });
    await expect(api.get('/tasks')).rejects.toMatchObject({ code: 'invalid_response' });
  });
});
