import { describe, expect, it } from 'vitest';
import { keptPlain, readingKey, segments, type Part } from '../src/quickread';

const part = (start: number, end: number, kind: Part['kind'], text: string): Part => ({ start, end, kind, text });

describe('quick add reading', () => {
  it('cuts the text into plain and recognized stretches', () => {
    const text = 'Call mom tomorrow at 6pm !high';
    const parts = [part(25, 30, 'priority', '!high'), part(9, 24, 'date', 'tomorrow at 6pm')];
    expect(segments(text, parts)).toEqual([
      { text: 'Call mom ' },
      { text: 'tomorrow at 6pm', kind: 'date' },
      { text: ' ' },
      { text: '!high', kind: 'priority' },
    ]);
  });

  it('skips parts that no longer fit the text', () => {
    expect(segments('Call', [part(2, 9, 'date', 'll mom t')])).toEqual([{ text: 'Call' }]);
    expect(segments('', [])).toEqual([]);
  });

  it('forgets a stretch kept as text once the user typed over it', () => {
    const kept = [{ start: 9, end: 17, text: 'tomorrow' }];
    expect(keptPlain('Buy milk tomorrow', kept)).toEqual(kept);
    expect(keptPlain('Buy milk tmrw', kept)).toEqual([]);
  });

  it('keys a reading by the text and the stretches kept', () => {
    expect(readingKey('a', [])).not.toEqual(readingKey('a', [{ start: 0, end: 1, text: 'a' }]));
  });
});
