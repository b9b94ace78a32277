import { describeField } from '../verticals/index.js';
import { requestSectionsHtml } from './spec-page.js';
import type { DataSource } from './sources.js';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The page an attendee on a vertical's path reads at `/{prefix}_api_spec`: endpoint,
 * parameters, authentication, paging, the fields with their types and a sample record,
 * all from the vertical's definition and its served data.
 */
export function renderVerticalSpecPage(rows: DataSource, options: { seed: number; paging: string; keys: readonly string[] }): string {
  const v = rows.definition;
  const sample = rows.rowsAfter(0, 1)[0]?.json;
  const sampleRecord = sample ? JSON.stringify(JSON.parse(sample), null, 2) : '(the dataset is empty)';
  const fields = v.fields
    .map((f) => `<tr><td><code>${escapeHtml(f.name)}</code></td><td>${f.type}</td><td>${escapeHtml(describeField(f))}</td></tr>`)
    .join('\n');
  const title = `${v.prefix.toUpperCase()} API specification`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}pre{background:#f4f4f4;padding:1rem;overflow:auto}</style>
</head><body>
<h1>${title}</h1>
<p>${escapeHtml(v.domain)} data for the Fivetran Connector SDK lab (the ${escapeHtml(v.app.name)} path), served by the offline mock
(seed ${options.seed}, ${rows.count()} records, ${escapeHtml(options.paging)} paging).</p>
<h2>Endpoint</h2>
<p><code>GET ${v.path}</code> returns <code>{"${v.table}": [...], "next_cursor": "...", "has_more": true|false}</code>. Primary key: <code>${v.primaryKey.join(', ')}</code>.</p>
${requestSectionsHtml(options.keys)}
<h2>Paging</h2>
<p>Loop while <code>has_more</code> is true, passing <code>next_cursor</code> each time, and checkpoint it. A cursor belongs to this path:
another path refuses it. ${options.paging === 'lab' ? 'As on the hosted API, <code>has_more</code> is true whenever a page is full, so a sync ends with one empty page.' : '<code>has_more</code> is true only while records remain (exact paging).'}</p>
<h2>Record fields</h2>
<table><tr><th>field</th><th>type</th><th>meaning</th></tr>
${fields}
</table>
<h2>Sample record</h2>
<pre>${escapeHtml(sampleRecord)}</pre>
</body></html>
`;
}
