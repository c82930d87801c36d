/**
 * What people read must not show raw machine numbers: a float with more than `max` decimals
 * ("0.8333333333333334"), or a spelled-out non-number ("Infinity", "NaN", "undefined"). Returns the
 * offending pieces of `text` (empty when it reads clean).
 */
export function rawNumbers(text: string, max = 2): string[] {
  return [
    ...(text.match(new RegExp(`\\d+\\.\\d{${max + 1},}`, 'g')) ?? []),
    ...(text.match(/Infinity|NaN|undefined/g) ?? []),
  ];
}
