// Small page building blocks: KPI cards with a sparkline, the "not computed yet" note, and tables.
import * as Inputs from '@observablehq/inputs';
import * as Plot from '@observablehq/plot';
import { html } from 'htl';
import { fmt, formatFor } from './format.js';
import { kpiValue, kpiWeekly } from './kpi.js';

/** An empty element: what a note shows when there is nothing to say (a bare null would print "null"). */
export function nothing() {
  return html`<span class="nothing"></span>`;
}

/**
 * The one delta rule of every page: the last complete week against the complete week before it. A week
 * still in progress (or cut by the date filter) is never compared: it shows as "so far" beside the delta.
 * `series` = [{week, value, complete}].
 */
export function weeklyDelta(series, format, better = 'up', unit = '') {
  const done = series.filter((point) => point.complete && point.value !== null && point.value !== undefined);
  const last = done.at(-1);
  const previous = done.at(-2);
  const partial = series.at(-1) && !series.at(-1).complete ? series.at(-1) : undefined;
  const parts = [];
  if (last && previous) {
    const delta = last.value - previous.value;
    const good = better === 'up' ? delta >= 0 : delta <= 0;
    const amount = unit === '%' ? `${fmt.dec(Math.abs(delta))} pts` : format(Math.abs(delta));
    parts.push(
      html`<span class=${good ? 'delta good' : 'delta bad'} data-delta=${delta}>${delta >= 0 ? '▲' : '▼'} ${amount}</span> <span class="muted">week of ${fmt.date(last.week)} vs the week before</span>`,
    );
  }
  if (partial)
    parts.push(
      html`<span class="muted partial">this week so far ${format(partial.value)} (incomplete)</span>`,
    );
  return parts;
}

/** A KPI card: the value, the weekly delta (complete weeks only) and a sparkline of the weekly series. */
export function kpiCard({ label, value, format, series = [], note = '', better = 'up', unit = '', id }) {
  const complete = series.filter((point) => point.complete);
  const partial = series.filter((point) => !point.complete);
  const spark =
    series.length > 1
      ? Plot.plot({
          height: 46,
          width: 220,
          margin: 4,
          axis: null,
          x: { type: 'utc' },
          y: { zero: false },
          marks: [
            Plot.areaY(complete, { x: 'week', y: 'value', fillOpacity: 0.12 }),
            Plot.lineY(complete, { x: 'week', y: 'value' }),
            Plot.dot(partial, { x: 'week', y: 'value', r: 2.5, fill: 'white', stroke: 'currentColor' }),
          ],
        })
      : html`<div class="spark-empty"></div>`;
  return html`<div class="card kpi" data-kpi=${id ?? label}>
    <h2>${label}</h2>
    <span class="big" data-value=${value ?? ''}>${format(value)}</span>
    <div class="kpi-foot">${weeklyDelta(series, format, better, unit)}${note ? html`<span class="muted">${note}</span>` : ''}</div>
    ${spark}
  </div>`;
}

/**
 * The card of a KPI of mart_kpi_daily: its value over the selection (`rows` of a kpi_* dataset, filtered;
 * `days` and `weeks` of the range, kpi.js) and its weekly trend, labelled and formatted by its definition.
 */
export function kpiCardFor(defs, rows, days, weeks, name, { label, format, note = '' } = {}) {
  const def = defs.get(name);
  const own = rows.filter((row) => row.kpi === name);
  return kpiCard({
    id: name,
    label: label ?? def?.label ?? name,
    value: kpiValue(def, own, days),
    format: format ?? formatFor(def?.unit),
    series: kpiWeekly(def, own, weeks),
    better: def?.better ?? 'up',
    unit: def?.unit,
    note,
  });
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
