/** A receiver of retailos' generic channel webhook: verifies the signature and keeps what it was told. */
import { verifySignature } from '../../alerts/delivery/webhook.ts';
import type { WebhookPayload } from '../outbound/webhook.ts';
import { type SandboxRequest, type SandboxResponse, SandboxServer } from './server.ts';

export class SandboxWebhookReceiver extends SandboxServer {
  readonly quantities = new Map<string, number>();
  readonly batches: WebhookPayload[] = [];
  forged = 0;

  constructor(private readonly secret: string) {
    super();
  }

  protected handle(request: SandboxRequest): SandboxResponse {
    const ok = verifySignature(
      this.secret,
      {
        signature: request.headers['x-retailos-signature'] as string | undefined,
        timestamp: request.headers['x-retailos-timestamp'] as string | undefined,
      },
      request.body,
    );
    if (!ok) {
      this.forged++;
      return { status: 401, body: { error: 'bad signature' } };
    }
    const payload = JSON.parse(request.body) as WebhookPayload;
    this.batches.push(payload);
    for (const q of payload.quantities) this.quantities.set(`${q.sku}|${q.location}`, q.quantity);
    return { status: 204 };
  }
}
