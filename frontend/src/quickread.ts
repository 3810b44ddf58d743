// The quick-add field read by the assistant's parser (POST /chat/preview):
// the task it would create, and where each recognized part stands so the
// field can highlight it and the user can turn it back into plain text.
// Pure helpers; the component does the requests.

export type PartKind = 'date' | 'repeat' | 'priority' | 'tag' | 'reminder' | 'list';

/** A recognized part: [start, end) in UTF-16 units, as JavaScript counts. */
export interface Part {
  start: number;
  end: number;
  kind: PartKind;
  text: string;
}

export interface Reading {
  /** The body for POST /tasks, or null when the text cannot be a task as read. */
  task: Record<string, unknown> | null;
  /** Bodies for POST /tasks/{id}/reminders. */
  reminders: Record<string, unknown>[];
  parts: Part[];
  /** How the text was read, in one line. */
  summary: string;
}

/** A stretch the user turned back into text, remembered with its words. */
export interface Plain {
  start: number;
  end: number;
  text: string;
}

export const KIND_LABEL: Record<PartKind, string> = {
  date: 'Due',
  repeat: 'Repeats',
  priority: 'Priority',
  tag: 'Tag',
  reminder: 'Reminder',
  list: 'List',
};

/** The text cut into plain and recognized stretches, for the highlight layer. */
export function segments(text: string, parts: Part[]): { text: string; kind?: PartKind }[] {
  const out: { text: string; kind?: PartKind }[] = [];
  let at = 0;
  for (const p of [...parts].sort((a, b) => a.start - b.start)) {
    if (p.start < at || p.end > text.length || p.start >= p.end) continue;
    if (p.start > at) out.push({ text: text.slice(at, p.start) });
    out.push({ text: text.slice(p.start, p.end), kind: p.kind });
    at = p.end;
  }
  if (at < text.length) out.push({ text: text.slice(at) });
  return out;
}

/**
 * The stretches still kept as text after an edit: one whose words are no
 * longer where they were is dropped (the user typed over it).
 */
export function keptPlain(text: string, plain: Plain[]): Plain[] {
  return plain.filter((p) => text.slice(p.start, p.end) === p.text);
}

/** A reading answers for exactly this text and these plain stretches. */
export function readingKey(text: string, plain: Plain[]): string {
  return JSON.stringify([text, plain.map((p) => [p.start, p.end])]);
}
