// Repeat presets for the simple recurrence form, as RFC 5545 RRULE values.

export type RepeatPreset = '' | 'daily' | 'weekdays' | 'weekly' | 'monthly' | 'yearly' | 'custom';

export const REPEAT_LABELS: [RepeatPreset, string][] = [
  ['', 'Does not repeat'],
  ['daily', 'Every day'],
  ['weekdays', 'Every weekday (Mon–Fri)'],
  ['weekly', 'Every week'],
  ['monthly', 'Every month'],
  ['yearly', 'Every year'],
  ['custom', 'Custom rule…'],
];

const DAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];

/** The rule for a preset; `weekday` (0 = Sunday) anchors "every week". */
export function presetRule(preset: RepeatPreset, weekday: number, custom = ''): string | null {
  switch (preset) {
    case '':
      return null;
    case 'daily':
      return 'FREQ=DAILY';
    case 'weekdays':
      return 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR';
    case 'weekly':
      return `FREQ=WEEKLY;BYDAY=${DAYS[((weekday % 7) + 7) % 7]}`;
    case 'monthly':
      return 'FREQ=MONTHLY';
    case 'yearly':
      return 'FREQ=YEARLY';
    case 'custom': {
      const r = custom.trim().replace(/^RRULE:/i, '');
      return r || null;
    }
  }
}

/** The preset a rule corresponds to, for showing the current rule in the form. */
export function presetOf(rrule: string): RepeatPreset {
  const r = rrule.toUpperCase().replace(/^RRULE:/, '');
  if (r === 'FREQ=DAILY') return 'daily';
  if (r === 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR') return 'weekdays';
  if (/^FREQ=WEEKLY;BYDAY=(SU|MO|TU|WE|TH|FR|SA)$/.test(r)) return 'weekly';
  if (r === 'FREQ=MONTHLY') return 'monthly';
  if (r === 'FREQ=YEARLY') return 'yearly';
  return 'custom';
}
