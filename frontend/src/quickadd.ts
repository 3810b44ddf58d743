import type { Priority } from './types';
import { PRIORITIES } from './types';

export interface QuickAdd {
  title: string;
  tags: string[];
  priority?: Priority;
}

const TAG = /^#([\p{L}\p{N}_/-]+)$/u;
const PRIORITY = /^!(low|medium|high|urgent)$/i;

/**
 * Reads "Pay rent #home #bills !high" as the title "Pay rent", tags
 * [home, bills] and priority high. Only whole words count: "C#" and
 * "wow!" stay in the title. The last priority given wins.
 */
export function parseQuickAdd(text: string): QuickAdd {
  const words: string[] = [];
  const tags: string[] = [];
  let priority: Priority | undefined;
  for (const word of text.trim().split(/\s+/)) {
    if (!word) continue;
    const tag = TAG.exec(word);
    if (tag) {
      const t = tag[1].toLowerCase();
      if (!tags.includes(t)) tags.push(t);
      continue;
    }
    const p = PRIORITY.exec(word);
    if (p) {
      priority = p[1].toLowerCase() as Priority;
      continue;
    }
    words.push(word);
  }
  return { title: words.join(' '), tags, priority };
}

/** Tags typed in a text field: "work, #home  errands" → [work, home, errands]. */
export function parseTagList(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(/[\s,]+/)) {
    const t = raw.replace(/^#+/, '').toLowerCase();
    if (t && !out.includes(t)) out.push(t);
  }
  return out;
}

export function isPriority(v: string): v is Priority {
  return (PRIORITIES as string[]).includes(v);
}
