// Owner, SLA and age for exceptions. The exception workflow (issue 8) records owners and deadlines; until
// its queue exists the page applies this default policy, and says so.
export const SEVERITIES = ['high', 'medium', 'low'];

const DEFAULT_OWNER = {
  oversell: 'warehouse',
  negative_stock: 'warehouse',
  inventory_mismatch: 'warehouse',
  transfer_overdue: 'warehouse',
  damaged_stock: 'warehouse',
  po_overdue: 'planner',
  delayed_receipt: 'planner',
  backorder: 'planner',
  promise_at_risk: 'planner',
  substitution_offered: 'planner',
  fulfilment_hold: 'finance',
  unknown_reference: 'admin',
  master_data: 'admin',
};

const DEFAULT_SLA_HOURS = { high: 24, medium: 72, low: 168 };

const pick = (row, names) => {
  for (const name of names) if (row?.[name] !== undefined && row[name] !== null) return row[name];
  return undefined;
};

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

/** Rows of the queue with owner, status, age, SLA and breach; workflow fields win over the defaults. */
export function enrichExceptions(rows, workflowRows, asOf) {
  const workflow = new Map(workflowRows.map((row) => [row.exception_id, row]));
  return rows
    .map((row) => {
      const wf = workflow.get(row.exception_id);
      const status = String(pick(wf, ['status', 'state']) ?? row.status ?? 'open');
      const opened = row.opened_at instanceof Date ? row.opened_at : new Date(row.opened_at);
      const ageHours = Math.max(0, (asOf.getTime() - opened.getTime()) / 3_600_000);
      const slaDue = pick(wf, ['sla_due_at', 'due_at', 'escalate_at']);
      const slaHours =
        slaDue instanceof Date
          ? (slaDue.getTime() - opened.getTime()) / 3_600_000
          : (pick(wf, ['sla_hours']) ?? DEFAULT_SLA_HOURS[row.severity] ?? 72);
      const open = status !== 'resolved' && status !== 'closed';
      return {
        ...row,
        detail: describeDetail(row.detail),
        owner: String(
          pick(wf, ['owner_role', 'owner', 'assignee']) ?? DEFAULT_OWNER[row.exception_type] ?? 'planner',
        ),
        status,
        open,
        age_hours: ageHours,
        sla_hours: slaHours,
        breached: open && ageHours > slaHours,
        priority: pick(wf, ['priority', 'priority_score']) ?? null,
      };
    })
    .sort(
      (a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) || b.age_hours - a.age_hours,
    );
}
