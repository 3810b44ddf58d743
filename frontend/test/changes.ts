import type { Change } from '../src/types';

/** A change-feed item as the server sends it, for the tests. */
export const change = (kind: string, entityId: string, data: unknown, seq = 1): Change => ({
  seq,
  kind,
  entityId,
  data,
  createdAt: '2026-11-26T10:00:00.000Z',
});
