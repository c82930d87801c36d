import * as z from 'zod';
import { ROLES } from '../../auth/roles.ts';
import { UserError } from '../../warehouse/errors.ts';
import type { ApiContext } from '../context.ts';
import { createKey, listKeys, publicKey, revokeKey } from '../keys.ts';
import { HttpError } from '../problem.ts';
import type { ApiRouter } from '../route.ts';

const keyRecord = z.object({
  key_id: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  created_at: z.string(),
  revoked_at: z.string().nullable(),
});

export function registerKeys(api: ApiRouter, ctx: ApiContext): void {
  const reload = async (): Promise<void> => ctx.keys.replace(await listKeys(ctx.warehouse, false));

  api.route({
    method: 'get',
    path: '/keys',
    tag: 'admin',
    summary: 'List API keys (never their secrets)',
    permission: 'keys:manage',
    response: z.object({ data: z.array(keyRecord) }),
    async handler() {
      const keys = await ctx.exclusive(() => listKeys(ctx.warehouse, true));
      return { data: keys.map((key) => ({ ...publicKey(key) })) };
    },
  });

  api.route({
    method: 'post',
    path: '/keys',
    tag: 'admin',
    summary: 'Create an API key; the response is the only time the key is shown',
    permission: 'keys:manage',
    status: 201,
    body: z.strictObject({ role: z.enum(ROLES), name: z.string().min(1).max(200) }),
    response: keyRecord.extend({ key: z.string().describe('rk_<key_id>_<secret>: store it now') }),
    errors: [415],
    async handler({ body }) {
      const created = await ctx.exclusive(async () => {
        try {
          const result = await createKey(ctx.warehouse, body);
          await reload();
          return result;
        } catch (error) {
          if (error instanceof UserError) throw new HttpError(400, 'validation_failed', error.message);
          throw error;
        }
      });
      return { ...publicKey(created.record), key: created.key };
    },
  });

  api.route({
    method: 'delete',
    path: '/keys/:key_id',
    tag: 'admin',
    summary: 'Revoke an API key (at once, for good)',
    permission: 'keys:manage',
    params: z.strictObject({ key_id: z.string().regex(/^[0-9a-f]{12}$/, 'a key id: 12 hex digits') }),
    response: z.object({ key_id: z.string(), revoked: z.literal(true) }),
    errors: [404],
    async handler({ params }) {
      const revoked = await ctx.exclusive(async () => {
        const done = await revokeKey(ctx.warehouse, params.key_id);
        if (done) await reload();
        return done;
      });
      if (!revoked) throw new HttpError(404, 'not_found', `No active key ${params.key_id}.`);
      return { key_id: params.key_id, revoked: true as const };
    },
  });
}
