import type { FastifyInstance } from 'fastify';
import { HedRecord } from '../api/record.js';
import { PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX, PAGE_SIZE_MIN } from '../api/page.js';
import { ERROR_CATALOG, ERROR_CODES } from '../api/errors.js';
import { STUDENT as S } from '../verticals/hed/app.js';
import { STANDING_BANDS } from '../verticals/hed/standing.js';
import { adminAccessSentence } from './plugins/openapi.js';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

// The error table is the catalog's (api/errors.ts): one owner for codes, statuses and when.
const ERRORS = ERROR_CODES.map((code) => [ERROR_CATALOG[code].status, code, ERROR_CATALOG[code].when] as const);

function typeOf(schema: { type?: string; anyOf?: { const?: unknown }[] }): string {
  if (schema.anyOf) return `string: ${schema.anyOf.map((s) => `"${String(s.const)}"`).join(', ')}`;
  return schema.type === 'integer' ? 'integer' : String(schema.type);
}

/**
 * The Parameters and Authentication sections every data path's spec page shares (HED's and
 * each vertical's): page_size, cursor, the key header and which published keys this mock takes.
 *
 * @example
 * requestSectionsHtml(['hed-demo-key']) // '<h2>Parameters</h2>...<h2>Authentication</h2>...'
 */
export function requestSectionsHtml(apiKeys: readonly string[]): string {
  const publicKeys = ['hed-demo-key', 'fiveTRANmovesTHEworldsDATA'].filter((k) => apiKeys.includes(k));
  const keyHint = publicKeys.length ? ` This mock accepts ${publicKeys.map((k) => `<code>${k}</code>`).join(' and ')}.` : '';
  return `<h2>Parameters</h2>
<table><tr><th>name</th><th>in</th><th>meaning</th></tr>
<tr><td><code>page_size</code></td><td>query</td><td>Records per page, ${PAGE_SIZE_MIN} to ${PAGE_SIZE_MAX}; default ${PAGE_SIZE_DEFAULT}.</td></tr>
<tr><td><code>cursor</code></td><td>query</td><td>The <code>next_cursor</code> of the previous page, unchanged. Omit it for the first page.</td></tr>
</table>
<h2>Authentication</h2>
<p>Send the header <code>x-api-key</code> (the older header name <code>api_key</code> also works).${keyHint}</p>
`;
}

/**
 * The page a lab attendee reads at /hed_api_spec: endpoint, parameters, auth, fields,
 * a sample record and the errors, generated from the same schemas as the API.
 */
export function renderSpecPage(app: FastifyInstance): string {
  const sample = app.store.rowsAfter(0, 1)[0]?.json;
  const sampleRecord = sample ? JSON.stringify(JSON.parse(sample), null, 2) : '(the dataset is empty)';
  const fields = Object.entries(HedRecord.properties as Record<string, { type?: string; description?: string }>)
    .map(([name, s]) => `<tr><td><code>${name}</code></td><td>${escapeHtml(typeOf(s))}</td><td>${escapeHtml(s.description ?? '')}</td></tr>`)
    .join('\n');
  const errors = ERRORS.map(([status, code, why]) => `<tr><td>${status}</td><td><code>${code}</code></td><td>${escapeHtml(why)}</td></tr>`).join('\n');
  const standings = STANDING_BANDS.map((band, k) => {
    const below = STANDING_BANDS[k - 1]?.minGpa;
    const range = below === undefined ? `${band.minGpa.toFixed(2)} and above` : band.minGpa === 0 ? `under ${below.toFixed(2)}` : `${band.minGpa.toFixed(2)} to under ${below.toFixed(2)}`;
    return `<tr><td>${escapeHtml(band.standing)}</td><td>${range}</td></tr>`;
  }).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>HED API specification</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}pre{background:#f4f4f4;padding:1rem;overflow:auto}</style>
</head><body>
<h1>HED API specification</h1>
<p>Freshman retention data for the Fivetran Connector SDK lab, served by the offline HED mock
(seed ${app.config.seed}, ${app.store.count()} records, ${app.config.paging} paging). Machine-readable: <a href="/openapi.json">/openapi.json</a>, interactive: <a href="/docs">/docs</a>.</p>
<h2>Endpoint</h2>
<p><code>GET /hed_data</code> returns <code>{"hed_records": [...], "next_cursor": "...", "has_more": true|false}</code>.</p>
${requestSectionsHtml(app.config.apiKeys)}
<h2>Paging and incremental sync</h2>
<p>Records come in ascending change sequence; a create or update moves a record after all others.
Loop while <code>has_more</code> is true, passing <code>next_cursor</code> each time, and checkpoint it.
<code>next_cursor</code> is never null: on an empty page it is the cursor you sent. Calling later with the stored
cursor returns exactly the records created or updated since, each once.
${app.config.paging === 'lab' ? 'As on the hosted API, <code>has_more</code> is true whenever a page is full, so a sync ends with one empty page.' : '<code>has_more</code> is true only while records remain (exact paging).'}</p>
<h2>Record fields</h2>
<table><tr><th>field</th><th>type</th><th>meaning</th></tr>
${fields}
</table>
<h2>Academic standing</h2>
<p><code>${S.standing}</code> takes the hosted API's 12 values and follows <code>${S.gpa}</code>, best first:</p>
<table><tr><th>${S.standing}</th><th>${S.gpa}</th></tr>
${standings}
</table>
<p>Timestamps are UTC without a zone: <code>${S.lastUpdated}</code> and <code>${S.lastLogin}</code> read with
<code>%Y-%m-%d %H:%M:%S</code>; <code>${S.enrollment}</code> does not zero-pad the hour (<code>2024-08-11 0:00:00</code>).</p>
<h2>Sample record</h2>
<pre>${escapeHtml(sampleRecord)}</pre>
<h2>Admin API</h2>
<p><code>/__admin/...</code> controls the mock (reset, mutations, fault rules, scenarios, the request journal; see <a href="/docs">/docs</a>).
${escapeHtml(adminAccessSentence(app.config.adminToken))}
The OpenAPI document says the same: it declares the <code>x-admin-token</code> scheme only when a token is set.</p>
<h2>Errors</h2>
<p>Every error body is <code>{"error": "&lt;code&gt;", "message": "&lt;what to do&gt;"}</code>.</p>
<table><tr><th>status</th><th>error</th><th>when</th></tr>
${errors}
</table>
</body></html>
`;
}
