// The line under every page title: the data window and when the snapshot was taken.
import { html } from 'htl';
import { fmt } from './format.js';

export function asOfLine(meta) {
  const row = meta?.rows?.[0] ?? {};
  const asOf = row.as_of ? new Date(row.as_of) : undefined;
  const start = row.data_start ? new Date(row.data_start) : undefined;
  const built = meta?.generated_at ? new Date(meta.generated_at) : undefined;
  const lagging =
    row.last_seq !== null &&
    row.ledger_seq !== null &&
    row.last_seq !== undefined &&
    row.ledger_seq < row.last_seq;
  const source = row.clock_source ? ` (${row.clock_source})` : '';
  return html`<p class="as-of">Events from ${fmt.date(start)} · figures as of ${fmt.dateTime(asOf)} UTC${source} · ${fmt.int(row.events)} events ·
    snapshot ${fmt.dateTime(built)} UTC${
      lagging
        ? html` · <b>the ledger is behind the event log (${fmt.int(row.last_seq - row.ledger_seq)} events): run retailos refresh</b>`
        : ''
    }</p>`;
}
