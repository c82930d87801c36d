// Data loaders print one dataset of the snapshot that `retailos dashboards build` (or `dev`) exported
// from the warehouse: loaders never open the DuckDB file themselves (the server may hold it, and a second
// instance would not see its later commits). See docs/dashboards.md.
import fs from 'node:fs';
import path from 'node:path';

export function emit(name) {
  const dir = process.env.RETAILOS_DASHBOARD_SNAPSHOT;
  if (!dir) {
    throw new Error(
      'RETAILOS_DASHBOARD_SNAPSHOT is not set: build with `retailos dashboards build` or `dev`.',
    );
  }
  const file = path.join(dir, `${name}.json`);
  if (!fs.existsSync(file)) {
    throw new Error(
      `The snapshot in ${dir} has no ${name}.json: rebuild with \`retailos dashboards build\`.`,
    );
  }
  if (name === 'meta') {
    // The build's own time and source join the data window.
    const data = JSON.parse(fs.readFileSync(file, 'utf8'));
    const summaryFile = path.join(dir, '_summary.json');
    const summary = fs.existsSync(summaryFile) ? JSON.parse(fs.readFileSync(summaryFile, 'utf8')) : {};
    data.generated_at = summary.generatedAt ?? null;
    data.datasets = summary.datasets ?? [];
    process.stdout.write(JSON.stringify(data));
    return;
  }
  process.stdout.write(fs.readFileSync(file));
}
