import * as z from 'zod';
import { openApiDocument, referencePage } from '../openapi.ts';
import type { ApiRouter } from '../route.ts';

export function registerDocs(api: ApiRouter): void {
  let document: Record<string, unknown> | undefined;
  // Built on first use, when every route has been registered.
  const doc = () => {
    document ??= openApiDocument(api.specs);
    return document;
  };
  api.route({
    method: 'get',
    path: '/openapi.json',
    tag: 'meta',
    summary: 'This API as an OpenAPI 3.1 document (generated from the zod schemas that validate requests)',
    permission: 'docs:read',
    response: z.record(z.string(), z.unknown()),
    async handler() {
      return doc();
    },
  });
  api.route({
    method: 'get',
    path: '/docs',
    tag: 'meta',
    summary: 'Human-readable API reference (HTML)',
    permission: 'docs:read',
    response: z.string(),
    alsoProduces: ['text/html'],
    async handler({ res }) {
      res.type('text/html').send(referencePage(doc()));
      return undefined;
    },
  });
}
