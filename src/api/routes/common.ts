import * as z from 'zod';

/** An identifier in a query string (sku, node_id, …): 1..128 characters, case-sensitive. */
export const idParam = (description: string) => z.string().min(1).max(128).optional().describe(description);

export const limitParam = (max: number, fallback = 100) =>
  z.coerce.number().int().min(1).max(max).default(Math.min(fallback, max)).describe(`page size (1..${max})`);

export const offsetParam = z.coerce
  .number()
  .int()
  .min(0)
  .max(1_000_000_000)
  .default(0)
  .describe('rows to skip');

/** `{ data, limit, offset }`: one page of rows. */
export function page<T extends z.ZodType>(row: T) {
  return z.object({ data: z.array(row), limit: z.number().int(), offset: z.number().int() });
}
