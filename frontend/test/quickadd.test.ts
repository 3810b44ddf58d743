import { describe, expect, it } from 'vitest';
import { parseQuickAdd, parseTagList } from '../src/quickadd';
import { presetOf, presetRule } from '../src/repeat';

describe('quick add', () => {
  it('takes tags and a priority out of the title', () => {
    expect(parseQuickAdd('Pay rent #home #Bills !high')).toEqual({
      title: 'Pay rent',
      tags: ['home', 'bills'],
      priority: 'high',
    });
  });

  it('accepts them anywhere, in any case, and the last priority wins', () => {
    expect(parseQuickAdd('!low  #work Write   the report !URGENT')).toEqual({
      title: 'Write the report',
      tags: ['work'],
      priority: 'urgent',
    });
  });

  it('leaves words that only contain # or ! alone', () => {
    const r = parseQuickAdd('Learn C# now! #dev/tools !soon');
    expect(r.title).toBe('Learn C# now! !soon');
    expect(r.tags).toEqual(['dev/tools']);
    expect(r.priority).toBeUndefined();
  });

  it('keeps unicode tags and drops duplicates', () => {
    expect(parseQuickAdd('Einkaufen #Küche #küche').tags).toEqual(['küche']);
  });

  it('gives an empty title when there are only markers', () => {
    expect(parseQuickAdd('  #x !high ')).toEqual({ title: '', tags: ['x'], priority: 'high' });
  });

  it('reads tag lists typed in the editor', () => {
    expect(parseTagList('work, #Home  errands work')).toEqual(['work', 'home', 'errands']);
    expect(parseTagList('  ')).toEqual([]);
  });
});

describe('repeat presets', () => {
  it('builds rules and recognises them again', () => {
    expect(presetRule('weekly', 1)).toBe('FREQ=WEEKLY;BYDAY=MO');
    expect(presetRule('weekdays', 3)).toBe('FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR');
    expect(presetRule('', 0)).toBeNull();
    expect(presetRule('custom', 0, 'RRULE:FREQ=MONTHLY;BYDAY=-1FR')).toBe('FREQ=MONTHLY;BYDAY=-1FR');
    expect(presetOf('FREQ=WEEKLY;BYDAY=SA')).toBe('weekly');
    expect(presetOf('FREQ=MONTHLY;BYMONTHDAY=15')).toBe('custom');
  });
});
