/** Money and quantities as platforms write them ("199.00", 199, "-10.00", "1,299.50"), to contract numbers. */

/** A decimal amount rounded to cents, or undefined when the text is not a number. */
export function toMoney(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? cents(value) : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim().replace(/,(?=\d{3}\b)/g, '');
  if (!/^-?\d+(\.\d+)?$/.test(text)) return undefined;
  return cents(Number(text));
}

export function cents(value: number): number {
  const rounded = Math.round(value * 100) / 100;
  return rounded === 0 ? 0 : rounded;
}

/** A whole number of units, or undefined. */
export function toQuantity(value: unknown): number | undefined {
  const number = typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value;
  return typeof number === 'number' && Number.isInteger(number) ? number : undefined;
}
