// The filter bar every page shares: date range, channel, node and category (each page picks the ones its
// data has). Filters apply to the measures that carry that dimension; the others ignore them.
import * as Inputs from '@observablehq/inputs';
import { html } from 'htl';

export const ALL = 'All';

function dayOnly(date) {
  return date ? new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate())) : undefined;
}

/**
 * The filter form. `dims` = {meta, periods, channels, nodes, categories} (dataset files); `show` = which
 * filters.
 * Its value: {from, to, channel, node, category}.
 */
export function filterBar(dims, show = { date: true, channel: true, node: true, category: true }) {
  // The reporting days (mart_periods): from the first business day to the business clock's day.
  const days = (dims.periods?.rows ?? [])
    .filter((row) => row.period_grain === 'day')
    .map((row) => new Date(row.period_start))
    .sort((a, b) => a - b);
  const meta = dims.meta?.rows?.[0] ?? {};
  const start = days[0] ?? dayOnly(meta.data_start ? new Date(meta.data_start) : undefined);
  const end = days.at(-1) ?? dayOnly(meta.as_of ? new Date(meta.as_of) : undefined);
  const inputs = {};
  if (show.date) {
    inputs.from = Inputs.date({ label: 'From', value: start, min: start, max: end });
    inputs.to = Inputs.date({ label: 'To', value: end, min: start, max: end });
  }
  const options = (file, key, labelKey) =>
    [
      ALL,
      ...(file?.rows ?? []).map((row) => row[key]).filter((value) => value !== null && value !== undefined),
    ].filter((value, index, all) => all.indexOf(value) === index && (labelKey || true));
  if (show.channel)
    inputs.channel = Inputs.select(options(dims.channels, 'channel_id'), { label: 'Channel' });
  if (show.node) inputs.node = Inputs.select(options(dims.nodes, 'node_id'), { label: 'Node' });
  if (show.category)
    inputs.category = Inputs.select(options(dims.categories, 'category'), { label: 'Category' });
  const form = Inputs.form(inputs, {
    template: (parts) => html`<div class="filter-bar">${Object.values(parts)}</div>`,
  });
  form.classList.add('filters');
  return form;
}

/**
 * Keeps the rows the filters select. `keys` maps a filter to the row's column: {date: 'day' (or month:
 * 'month' for rows of whole months), channel:
 * 'channel_id', node: 'node_id', category: 'category'}; a filter without a key, or a row with no value in
 * that column, is not filtered by it.
 */
export function applyFilters(rows, filters, keys) {
  const from = filters.from ? filters.from.getTime() : -Infinity;
  const to = filters.to ? filters.to.getTime() + 86_400_000 - 1 : Infinity;
  return rows.filter((row) => {
    if (keys.date) {
      const value = row[keys.date];
      if (value instanceof Date && (value.getTime() < from || value.getTime() > to)) return false;
    }
    if (keys.month) {
      // A month row is in range when any of its days is.
      const start = row[keys.month];
      if (start instanceof Date) {
        const end = Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1) - 1;
        if (end < from || start.getTime() > to) return false;
      }
    }
    for (const filter of ['channel', 'node', 'category']) {
      const column = keys[filter];
      const chosen = filters[filter];
      if (!column || chosen === undefined || chosen === ALL) continue;
      const value = row[column];
      if (value !== null && value !== undefined && value !== chosen) return false;
    }
    return true;
  });
}

/** Describes the current selection in words, for chart subtitles. */
export function describeFilters(filters) {
  const parts = [];
  for (const filter of ['channel', 'node', 'category']) {
    if (filters[filter] && filters[filter] !== ALL) parts.push(`${filter} ${filters[filter]}`);
  }
  return parts.length ? parts.join(' · ') : 'all channels, nodes and categories';
}
