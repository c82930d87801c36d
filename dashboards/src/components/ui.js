// Small page building blocks: KPI cards with a sparkline, the "not computed yet" note, and tables.
import * as Inputs from '@observablehq/inputs';
import * as Plot from '@observablehq/plot';
import { html } from 'htl';

/** An empty element: what a note shows when there is nothing to say (a bare null would print "null"). */
export function nothing() {
  return html`<span class="nothing"></span>`;
}

/** A KPI card: the value, an optional comparison line, and a sparkline of its weekly series. */
export function kpiCard({ label, value, format, series = [], note = '', better = 'up' }) {
  const last = series.at(-1)?.value;
  const previous = series.at(-2)?.value;
  let change = '';
  if (last !== undefined && previous !== undefined && previous !== null && last !== null) {
    const delta = last - previous;
    const good = better === 'up' ? delta >= 0 : delta <= 0;
    change = html`<span class=${good ? 'delta good' : 'delta bad'}>${delta >= 0 ? '▲' : '▼'} ${format(Math.abs(delta))} vs prior week</span>`;
  }
  const spark =
    series.length > 1
      ? Plot.plot({
          height: 46,
          width: 220,
          margin: 2,
          axis: null,
          x: { type: 'utc' },
          y: { zero: false },
          marks: [
            Plot.areaY(series, { x: 'week', y: 'value', fillOpacity: 0.12 }),
            Plot.lineY(series, { x: 'week', y: 'value' }),
          ],
        })
      : html`<div class="spark-empty"></div>`;
  return html`<div class="card kpi">
    <h2>${label}</h2>
    <span class="big">${format(value)}</span>
    <div class="kpi-foot">${change}${note ? html`<span class="muted">${note}</span>` : ''}</div>
    ${spark}
  </div>`;
}

/** The note a page shows for a dataset that is not computed yet; empty when it is. */
export function notice(file) {
  if (!file || file.available) return nothing();
  return html`<div class="not-computed" role="status"><b>${file.title}:</b> ${file.note}</div>`;
}

/** A note when a selection leaves nothing to draw. */
export function emptyNote(rows, what = 'data') {
  return rows.length ? nothing() : html`<p class="muted empty">No ${what} in this selection.</p>`;
}

/** Inputs.table with the shared formats and sensible defaults for a laptop screen. */
export function table(rows, options = {}) {
  return Inputs.table(rows, { rows: 12, layout: 'auto', ...options });
}
