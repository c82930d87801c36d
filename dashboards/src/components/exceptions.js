// Owner, SLA and age of exceptions. The exception workflow records owners and SLAs of the exceptions it
// tracks (the `exceptions` read model carries them); the others get theirs from the same exception policy
// the workflow applies (config/exceptions.json, exported as the exception_policy dataset), so the page and
// `retailos exceptions queue` name the same owner and deadline.
export const SEVERITIES = ['high', 'medium', 'low'];

const pickDefined = (...values) => values.find((value) => value !== null && value !== undefined);

/** The detail JSON of an exception as short "key value" text. */
export function describeDetail(detail) {
  if (detail === null || detail === undefined) return '';
  let value = detail;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return value;
    }
  }
  if (typeof value !== 'object') return String(value);
  return Object.entries(value)
    .filter(([, v]) => v !== null && v !== undefined && typeof v !== 'object')
    .map(
      ([k, v]) =>
        `${k.replaceAll('_', ' ')} ${typeof v === 'string' && /^\d{4}-\d\d-\d\d[ T]/.test(v) ? v.slice(0, 10) : v}`,
    )
    .join(' · ');
}

/** A lookup (type, severity) → {owner_role, sla_hours} from the policy rows; type '*' is the default. */
export function policyOf(policyRows) {
  const rules = new Map(policyRows.map((row) => [`${row.exception_type}|${row.severity}`, row]));
  return (type, severity) =>
    rules.get(`${type}|${severity}`) ?? rules.get(`*|${severity}`) ?? rules.get('*|medium');
}

/**
 * Rows with owner, open/cleared, age (open: to the business clock; cleared: how long it lasted), SLA due and
 * breach, as the workflow's queue computes them: the SLA runs from the opening, or from the last escalation.
 */
export function enrichExceptions(rows, policyRows, asOf) {
  const policy = policyOf(policyRows);
  const now = asOf instanceof Date && !Number.isNaN(asOf.getTime()) ? asOf.getTime() : null;
  return rows
    .map((row) => {
      const rules = policy(row.exception_type, row.severity);
      const status = String(row.status ?? 'open');
      const open = status !== 'resolved' && status !== 'closed';
      const opened = row.opened_at instanceof Date ? row.opened_at.getTime() : null;
      const slaHours = pickDefined(row.sla_hours, rules?.sla_hours) ?? null;
      const base = row.last_escalated_at instanceof Date ? row.last_escalated_at.getTime() : opened;
      const due = base !== null && slaHours !== null ? base + slaHours * 3_600_000 : null;
      const ageHours =
        open && now !== null && opened !== null ? Math.max(0, (now - opened) / 3_600_000) : null;
      return {
        ...row,
        detail: describeDetail(row.detail),
        item: row.item_name ? `${row.item_name} (${row.sku})` : (row.sku ?? ''),
        node: row.node_name ?? row.node_id ?? '',
        owner: String(pickDefined(row.owner_role, rules?.owner_role) ?? '–'),
        status,
        open,
        age_hours: ageHours,
        sla_hours: slaHours,
        sla_due_at: due === null ? null : new Date(due),
        breached: open && now !== null && due !== null && now > due,
      };
    })
    .sort(
      (a, b) =>
        Number(b.open) - Number(a.open) ||
        SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) ||
        (b.age_hours ?? 0) - (a.age_hours ?? 0) ||
        (b.cleared_at?.getTime?.() ?? 0) - (a.cleared_at?.getTime?.() ?? 0),
    );
}

/** The median of numbers (null for none). */
export function median(values) {
  const sorted = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (!sorted.length) return null;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
