/**
 * The StudentSuccess page: four ARIA tabs over the app's JSON API. Every value from the
 * warehouse or a report goes into the page as text (textContent / text nodes), never
 * as HTML. Charts are Vega-Lite specs built by the server, embedded with the locally
 * served vega-embed. Nothing is loaded from outside this origin.
 */
import { renderMarkdown } from '/static/markdown.js';

const $ = (id) => document.getElementById(id);

/**
 * The vertical this page shows: StudentSuccess (HED) at `/`, any other of the lab's paths
 * at `/{prefix}` or `/?vertical={prefix}`, each with its API under `/api/verticals/{prefix}`.
 */
const VERTICAL = (() => {
  const named = new URLSearchParams(location.search).get('vertical') ?? location.pathname.replace(/^\/+|\/+$/g, '');
  const prefix = named.toLowerCase();
  return /^[a-z]{3}$/.test(prefix) && prefix !== 'hed' ? prefix : '';
})();
const API = VERTICAL ? `/api/verticals/${VERTICAL}` : '/api';
/** What the page calls a row: StudentSuccess's are students. */
const NOUN = VERTICAL ? 'records' : 'students';

/** Builds an element with text (never HTML) and attributes. */
function el(tag, options = {}, children = []) {
  const element = document.createElement(tag);
  if (options.text !== undefined) element.textContent = options.text;
  if (options.className) element.className = options.className;
  for (const [name, value] of Object.entries(options.attrs ?? {})) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

/** Fetches JSON; a non-2xx answer throws its server message. */
async function getJson(url, init) {
  const response = await fetch(url, init);
  const body = await response.json().catch(() => undefined);
  if (!response.ok) {
    const error = new Error(body?.message ?? `The app answered ${response.status} for ${url}. Check the terminal that runs hed-app.`);
    error.body = body;
    throw error;
  }
  return body;
}

function showError(id, error) {
  const node = $(id);
  if (!error) {
    node.hidden = true;
    node.textContent = '';
    return;
  }
  node.hidden = false;
  node.textContent = error instanceof Error ? error.message : String(error);
}

/** A sentence as text nodes, any `quoted` part as a code element (never HTML). */
function textWithCode(text) {
  return String(text)
    .split('`')
    .map((part, i) => (i % 2 === 1 ? el('code', { text: part }) : document.createTextNode(part)));
}

/** A record value as text: null is empty, numbers as they are. */
const cellText = (value) => (value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value));

const numberFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const statText = (value) => (value === null || value === undefined ? '–' : numberFormat.format(value));

// ---------------------------------------------------------------- tabs

const tabs = () => [...document.querySelectorAll('[role="tab"]')];
const loaders = {};

/** Selects a tab: aria-selected, roving tabindex, the panel shown, the hash kept. */
function selectTab(tab, { focus = false } = {}) {
  for (const other of tabs()) {
    const selected = other === tab;
    other.setAttribute('aria-selected', String(selected));
    other.tabIndex = selected ? 0 : -1;
    $(other.getAttribute('aria-controls')).hidden = !selected;
  }
  if (focus) tab.focus();
  const hash = `#${tab.dataset.hash}`;
  if (location.hash !== hash) history.replaceState(null, '', hash);
  loaders[tab.dataset.hash]?.();
}

function setUpTabs() {
  for (const tab of tabs()) {
    tab.addEventListener('click', () => selectTab(tab));
    tab.addEventListener('keydown', (event) => {
      const all = tabs();
      const index = all.indexOf(tab);
      const next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: all.length - 1 }[event.key];
      if (next === undefined) return;
      event.preventDefault();
      selectTab(all[(next + all.length) % all.length], { focus: true });
    });
  }
}

// ---------------------------------------------------------------- metrics

const metricsState = { requestSeq: 0, filterLabels: {} };

/**
 * The filters as query parameters, each control named by its parameter: a ticked box
 * repeats it (`major=ECON&major=PHIL`, a vertical's `species=Bison`), a choice sets it
 * (`at_risk=true`, a vertical's flag).
 */
function filterParams() {
  const params = new URLSearchParams();
  for (const box of document.querySelectorAll('#filters input[type="checkbox"]:checked')) params.append(box.name, box.value);
  for (const select of document.querySelectorAll('#filters select')) if (select.value) params.set(select.name, select.value);
  return params;
}

function checkboxes(container, name, values) {
  container.replaceChildren(
    ...values.map((value, i) => {
      const id = `filter-${name}-${i}`;
      const box = el('input', { attrs: { type: 'checkbox', id, name } });
      box.value = value;
      return el('div', { className: 'check' }, [box, el('label', { text: value, attrs: { for: id } })]);
    }),
  );
}

async function loadFilters() {
  const { majors, standings } = await getJson('/api/filters');
  checkboxes($('filter-majors'), 'major', majors);
  checkboxes($('filter-standings'), 'standing', standings);
}

/**
 * A vertical's filters, from its definition (GET {API}/filters): a box per value of each
 * category, an all/yes/no choice per flag, in the same form and styles as StudentSuccess's.
 */
async function loadVerticalFilters() {
  const options = await getJson(`${API}/filters`);
  metricsState.filterLabels = Object.fromEntries(options.map((o) => [o.field, o.label]));
  const parts = options.map((option) => {
    const id = `filter-${option.field}`;
    if (option.kind === 'category') {
      const checks = el('div', { className: 'checks', attrs: { id } });
      checkboxes(checks, option.field, option.values);
      return el('fieldset', { attrs: { 'data-field': option.field } }, [el('legend', { text: option.label }), checks]);
    }
    const select = el('select', { attrs: { id, name: option.field } }, [
      el('option', { text: 'All records', attrs: { value: '' } }),
      el('option', { text: 'Yes only', attrs: { value: 'true' } }),
      el('option', { text: 'No only', attrs: { value: 'false' } }),
    ]);
    return el('div', { className: 'field', attrs: { 'data-field': option.field } }, [el('label', { text: option.label, attrs: { for: id } }), select]);
  });
  $('filters').replaceChildren(...parts, el('div', { className: 'field' }, [$('filters-clear')]));
  $('filters').hidden = options.length === 0;
}

/** The delta's arrow follows its sign (up: above the target); the colour says good or bad. */
const DELTA_ARROWS = { up: '↑ ', down: '↓ ', none: '' };

function renderKpis(kpis) {
  $('kpis').replaceChildren(
    ...kpis.map((kpi) => {
      // A KPI the lab sets no target for has a value and no delta.
      if (kpi.deltaGood === null) {
        return el('article', { className: 'kpi', attrs: { 'data-kpi': kpi.id } }, [el('h3', { className: 'kpi-label', text: kpi.label }), el('p', { className: 'kpi-value', text: kpi.display })]);
      }
      const verdict = kpi.deltaGood ? 'on the good side of the target' : 'on the wrong side of the target';
      return el('article', { className: `kpi ${kpi.deltaGood ? 'good' : 'bad'}`, attrs: { 'data-kpi': kpi.id } }, [
        el('h3', { className: 'kpi-label', text: kpi.label }),
        el('p', { className: 'kpi-value', text: kpi.display }),
        el('p', { className: 'kpi-delta' }, [
          el('span', { className: 'kpi-arrow', attrs: { 'aria-hidden': 'true' }, text: DELTA_ARROWS[kpi.deltaDirection] ?? '' }),
          kpi.deltaDisplay,
          el('span', { className: 'visually-hidden', text: ` (${verdict})` }),
        ]),
      ]);
    }),
  );
}

function renderSummary(summary) {
  const table = $('summary');
  const head = el('thead', {}, [el('tr', {}, [el('th', { text: 'Field', attrs: { scope: 'col' } }), ...summary.stats.map((s) => el('th', { text: s.stat, attrs: { scope: 'col' } }))])]);
  const body = el(
    'tbody',
    {},
    summary.columns.map((column, i) => el('tr', {}, [el('th', { text: column, attrs: { scope: 'row' } }), ...summary.stats.map((s) => el('td', { text: statText(s.values[i]) }))])),
  );
  table.replaceChildren(head, body);
}

const chartViews = new Map();

/** Embeds the six charts; resolves when every one has drawn. */
async function renderCharts(charts) {
  const container = $('charts');
  container.setAttribute('aria-busy', 'true');
  delete container.dataset.rendered;
  const started = window.performance.now();
  await Promise.all(
    charts.map(async (chart) => {
      const figure = $(`chart-${chart.id}`) ?? container.appendChild(el('figure', { className: 'chart', attrs: { id: `chart-${chart.id}`, 'data-chart': chart.id } }));
      figure.setAttribute('aria-label', chart.title);
      const target = figure.querySelector('.chart-body') ?? figure.appendChild(el('div', { className: 'chart-body' }));
      chartViews.get(chart.id)?.finalize();
      // ast: Vega evaluates expressions with its interpreter instead of new Function(), so the CSP needs no 'unsafe-eval'.
      const result = await vegaEmbed(target, chart.spec, { actions: false, renderer: 'svg', ast: true });
      chartViews.set(chart.id, result.view);
    }),
  );
  container.setAttribute('aria-busy', 'false');
  container.dataset.rendered = String(charts.length);
  // For the bench: time since navigation start, and time spent embedding.
  window.hedChartsRenderedAt = window.performance.now();
  window.hedChartsRenderedMs = window.hedChartsRenderedAt - started;
}

/** Loads the KPIs, charts, summary and remarks for the current filters. */
async function loadMetrics() {
  const seq = ++metricsState.requestSeq;
  try {
    const metrics = await getJson(`${API}/metrics?${filterParams()}`);
    if (seq !== metricsState.requestSeq) return;
    showError('metrics-error');
    $('metrics-rows').textContent = `${metrics.rows.toLocaleString('en-US')} ${NOUN} match the filters.`;
    renderKpis(metrics.kpis);
    renderSummary(metrics.summary);
    $('remarks').replaceChildren(...metrics.remarks.map((remark) => el('li', { text: remark })));
    await renderCharts(metrics.charts);
  } catch (error) {
    if (seq === metricsState.requestSeq) showError('metrics-error', error);
  }
}

/** New filters: the metrics reload, and so does the explorer once it has been opened. */
function filtersChanged() {
  loadMetrics();
  explorer.page = 1;
  if (explorer.loaded) loadRows();
}

function setUpMetrics() {
  $('filters').addEventListener('change', () => filtersChanged());
  $('filters').addEventListener('submit', (event) => event.preventDefault());
  $('filters-clear').addEventListener('click', () => {
    for (const box of document.querySelectorAll('#filters input:checked')) box.checked = false;
    for (const select of document.querySelectorAll('#filters select')) select.value = '';
    filtersChanged();
  });
}

// ---------------------------------------------------------------- AI insights

const insightsState = { focusAreas: [], loaded: false, polling: false };
const POLL_MS = 150;

function renderSteps(steps) {
  $('insights-steps').replaceChildren(
    ...steps.map((step) => {
      const state = step.failed ? 'failed' : step.state;
      const mark = { pending: '○', running: '◐', done: '✓', failed: '✗' }[state];
      return el('li', { className: `step ${state}`, attrs: { 'data-state': state } }, [
        el('span', { className: 'step-mark', text: mark, attrs: { 'aria-hidden': 'true' } }),
        el('span', { text: step.label }),
        el('span', { className: 'visually-hidden', text: ` (${state})` }),
      ]);
    }),
  );
}

function describeFocus() {
  const focus = insightsState.focusAreas.find((f) => f.id === $('insights-focus').value);
  $('insights-sections').textContent = focus ? `Sections: ${focus.sections.join(' · ')}` : '';
}

async function loadInsightsOptions() {
  if (insightsState.loaded) return;
  insightsState.loaded = true;
  try {
    const [focusAreas, providers] = await Promise.all([getJson(`${API}/insights/focus-areas`), getJson(`${API}/insights/providers`)]);
    insightsState.focusAreas = focusAreas;
    $('insights-focus').replaceChildren(...focusAreas.map((f) => el('option', { text: f.label, attrs: { value: f.id } })));
    $('insights-provider').replaceChildren(
      ...providers.map((p) => {
        const option = el('option', { text: p.model ? `${p.label} – ${p.model}` : p.label, attrs: { value: p.id } });
        if (p.available === false) option.disabled = true;
        if (p.default) option.selected = true;
        return option;
      }),
    );
    describeFocus();
  } catch (error) {
    insightsState.loaded = false;
    showError('insights-error', error);
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function generateInsights(event) {
  event.preventDefault();
  if (insightsState.polling) return;
  insightsState.polling = true;
  const button = $('insights-generate');
  button.disabled = true;
  showError('insights-error');
  $('insights-report').hidden = true;
  $('insights-progress').hidden = false;
  $('insights-steps').replaceChildren();
  try {
    const { jobId } = await getJson(`${API}/insights`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ focus: $('insights-focus').value, provider: $('insights-provider').value }),
    });
    for (;;) {
      const job = await getJson(`/api/insights/jobs/${encodeURIComponent(jobId)}`);
      renderSteps(job.steps);
      if (job.status === 'done') {
        const report = $('insights-report');
        report.replaceChildren(
          el('p', { className: 'muted', text: `${job.report.focusLabel} · ${job.report.provider} / ${job.report.model} · ${formatTime(job.report.createdAt)}` }),
          renderMarkdown(document, job.report.markdown, 1),
        );
        report.hidden = false;
        historyState.stale = true;
        break;
      }
      if (job.status === 'failed') {
        showError('insights-error', `The report could not be made: ${job.error ?? 'no reason given'} Nothing was saved to the history.`);
        break;
      }
      await sleep(POLL_MS);
    }
  } catch (error) {
    showError('insights-error', error);
  } finally {
    insightsState.polling = false;
    button.disabled = false;
  }
}

// ---------------------------------------------------------------- history

const historyState = { stale: true };
const timeFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'medium' });
const formatTime = (iso) => timeFormat.format(new Date(iso));

async function loadHistory() {
  if (!historyState.stale) return;
  try {
    const reports = await getJson(`${API}/history`);
    historyState.stale = false;
    showError('history-error');
    $('history-empty').hidden = reports.length > 0;
    $('history').replaceChildren(
      ...reports.map((report) => {
        const body = el('div', { className: 'report' });
        const remove = el('button', { text: 'Delete', className: 'secondary', attrs: { type: 'button', 'aria-label': `Delete the ${report.focusLabel} report of ${formatTime(report.createdAt)}` } });
        remove.addEventListener('click', () => deleteReport(report.id));
        const details = el('details', {}, [
          el('summary', {}, [
            el('time', { text: formatTime(report.createdAt), attrs: { datetime: report.createdAt } }),
            el('span', { className: 'focus', text: report.focusLabel }),
            el('span', { className: 'provider', text: `${report.provider} / ${report.model}` }),
          ]),
          el('p', {}, [el('a', { text: 'Download .md', attrs: { href: `/api/history/${encodeURIComponent(report.id)}.md`, download: '' } }), ' ', remove]),
          body,
        ]);
        details.addEventListener('toggle', () => {
          if (details.open && body.childElementCount === 0) body.append(renderMarkdown(document, report.markdown, 2));
        });
        return el('li', { attrs: { 'data-report': report.id } }, [details]);
      }),
    );
  } catch (error) {
    showError('history-error', error);
  }
}

/** Deletes one report from the history and from the list. */
async function deleteReport(id) {
  try {
    await getJson(`/api/history/${encodeURIComponent(id)}`, { method: 'DELETE' });
    [...$('history').children].find((item) => item.dataset.report === id)?.remove();
    $('history-empty').hidden = $('history').childElementCount > 0;
    showError('history-error');
  } catch (error) {
    showError('history-error', error);
  }
}

// ---------------------------------------------------------------- data explorer

const explorer = { columns: [], filterColumn: '', refocus: '', page: 1, perPage: 10, sort: '', dir: 'asc', qCol: '', q: '', pages: 1, seq: 0, loaded: false };

/** The Metrics tab's filters in words, for the explorer. */
function describeFilters() {
  const params = filterParams();
  if (VERTICAL) {
    const label = (field) => metricsState.filterLabels?.[field] ?? field;
    const parts = [...new Set(params.keys())].map((field) => {
      const values = params.getAll(field);
      return values.length === 1 && (values[0] === 'true' || values[0] === 'false') ? `${label(field)} ${values[0] === 'true' ? 'yes' : 'no'}` : `${label(field)} ${values.join(', ')}`;
    });
    return parts.length ? `The Metrics tab's filters apply here too: ${parts.join('; ')}.` : "All records (the Metrics tab's filters apply here when set).";
  }
  const parts = [];
  if (params.getAll('major').length) parts.push(`major ${params.getAll('major').join(', ')}`);
  if (params.getAll('standing').length) parts.push(`standing ${params.getAll('standing').join(', ')}`);
  if (params.get('at_risk')) parts.push(params.get('at_risk') === 'true' ? 'at risk only' : 'not at risk only');
  return parts.length ? `The Metrics tab's filters apply here too: ${parts.join('; ')}.` : "All students (the Metrics tab's filters apply here when set).";
}

function explorerParams({ paging = true } = {}) {
  const params = filterParams();
  if (paging) {
    params.set('page', String(explorer.page));
    params.set('per_page', String(explorer.perPage));
  }
  if (explorer.sort) {
    params.set('sort', explorer.sort);
    params.set('dir', explorer.dir);
  }
  if (explorer.q && explorer.qCol) {
    params.set('q_col', explorer.qCol);
    params.set('q', explorer.q);
  }
  return params;
}

/** The key column the explorer keeps in view (sticky) while it scrolls sideways. */
const keyColumn = (columns) => (columns.includes('record_id') ? 'record_id' : columns[0]);

function renderExplorerTable(result) {
  const key = keyColumn(result.columns);
  const classes = (column) => [column === key ? 'key' : '', explorer.sort === column ? 'sorted' : ''].filter(Boolean).join(' ');
  const head = el('tr', {}, result.columns.map((column) => {
    const sorted = explorer.sort === column;
    const button = el('button', { className: 'sort', text: column, attrs: { type: 'button', 'aria-label': `Sort by ${column}` } });
    if (sorted) button.append(el('span', { attrs: { 'aria-hidden': 'true' }, text: explorer.dir === 'asc' ? ' ▲' : ' ▼' }));
    button.addEventListener('click', () => {
      explorer.dir = sorted && explorer.dir === 'asc' ? 'desc' : 'asc';
      explorer.sort = column;
      explorer.page = 1;
      explorer.refocus = column;
      syncExplorerControls();
      loadRows();
    });
    return el('th', { className: classes(column), attrs: { scope: 'col', 'data-column': column, 'aria-sort': sorted ? (explorer.dir === 'asc' ? 'ascending' : 'descending') : 'none' } }, [button]);
  }));
  const body = result.rows.map((row) => el('tr', {}, result.columns.map((column) => el('td', { className: classes(column), text: cellText(row[column]) }))));
  $('explorer-table').replaceChildren(el('thead', {}, [head]), el('tbody', {}, body));
  revealSortedColumn();
  // A header clicked from the keyboard keeps the focus after the table is redrawn.
  if (explorer.refocus) {
    const index = result.columns.indexOf(explorer.refocus);
    explorer.refocus = '';
    $('explorer-table').querySelectorAll('th button.sort')[index]?.focus({ preventScroll: true });
  }
}

/** Scrolls the table sideways so the sorted column is in view, right of the sticky key column. */
function revealSortedColumn() {
  const table = $('explorer-table');
  const wrap = table.parentElement;
  const header = explorer.sort ? table.querySelector(`thead th[data-column="${window.CSS.escape(explorer.sort)}"]`) : null;
  if (!header || header.classList.contains('key')) return;
  const keyWidth = table.querySelector('thead th.key')?.getBoundingClientRect().width ?? 0;
  const left = header.getBoundingClientRect().left - wrap.getBoundingClientRect().left + wrap.scrollLeft;
  const right = left + header.getBoundingClientRect().width;
  if (left - keyWidth < wrap.scrollLeft) wrap.scrollLeft = Math.max(0, left - keyWidth);
  else if (right > wrap.scrollLeft + wrap.clientWidth) wrap.scrollLeft = right - wrap.clientWidth;
}

function syncExplorerControls() {
  $('explorer-per-page').value = String(explorer.perPage);
  $('explorer-page').value = String(explorer.page);
  $('explorer-page').max = String(explorer.pages);
  $('explorer-pages').textContent = `of ${explorer.pages}`;
  $('explorer-sort').value = explorer.sort;
  $('explorer-dir').value = explorer.dir;
  $('explorer-prev').disabled = explorer.page <= 1;
  $('explorer-next').disabled = explorer.page >= explorer.pages;
  $('explorer-csv').href = `${API}/rows.csv?${explorerParams({ paging: false })}`;
}

function fillColumnSelects(columns) {
  const options = (first) => [...(first ? [el('option', { text: first, attrs: { value: '' } })] : []), ...columns.map((c) => el('option', { text: c, attrs: { value: c } }))];
  $('explorer-sort').replaceChildren(...options('(table order)'));
  $('explorer-q-col').replaceChildren(...options());
  // The column /status names (StudentSuccess's from verticals/hed/app.ts, a vertical's first category).
  const preferred = explorer.filterColumn;
  explorer.qCol = preferred && columns.includes(preferred) ? preferred : (columns[0] ?? '');
  $('explorer-q-col').value = explorer.qCol;
}

async function loadRows() {
  const seq = ++explorer.seq;
  try {
    const result = await getJson(`${API}/rows?${explorerParams()}`);
    if (seq !== explorer.seq) return;
    showError('explorer-error');
    if (explorer.columns.join() !== result.columns.join()) {
      explorer.columns = result.columns;
      fillColumnSelects(result.columns);
    }
    explorer.pages = result.pages;
    $('explorer-caption').textContent = result.caption;
    $('explorer-filters').textContent = describeFilters();
    renderExplorerTable(result);
    syncExplorerControls();
  } catch (error) {
    if (seq === explorer.seq) showError('explorer-error', error);
  }
}

function clampInt(text, min, max, fallback) {
  const value = Number.parseInt(text, 10);
  return Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : fallback;
}

function setUpExplorer() {
  let typing;
  $('explorer-form').addEventListener('submit', (event) => event.preventDefault());
  $('explorer-per-page').addEventListener('change', (event) => {
    explorer.perPage = clampInt(event.target.value, 5, 50, 10);
    explorer.page = 1;
    loadRows();
  });
  $('explorer-page').addEventListener('change', (event) => {
    explorer.page = clampInt(event.target.value, 1, explorer.pages, 1);
    loadRows();
  });
  $('explorer-prev').addEventListener('click', () => {
    explorer.page = Math.max(1, explorer.page - 1);
    loadRows();
  });
  $('explorer-next').addEventListener('click', () => {
    explorer.page = Math.min(explorer.pages, explorer.page + 1);
    loadRows();
  });
  $('explorer-sort').addEventListener('change', (event) => {
    explorer.sort = event.target.value;
    explorer.page = 1;
    loadRows();
  });
  $('explorer-dir').addEventListener('change', (event) => {
    explorer.dir = event.target.value;
    explorer.page = 1;
    loadRows();
  });
  $('explorer-q-col').addEventListener('change', (event) => {
    explorer.qCol = event.target.value;
    explorer.page = 1;
    if (explorer.q) loadRows();
  });
  $('explorer-q').addEventListener('input', (event) => {
    clearTimeout(typing);
    typing = setTimeout(() => {
      explorer.q = event.target.value;
      explorer.page = 1;
      loadRows();
    }, 250);
  });
}

// ---------------------------------------------------------------- start

loaders.metrics = () => {};
loaders['ai-insights'] = () => loadInsightsOptions();
loaders['insights-history'] = () => loadHistory();
loaders['data-explorer'] = () => {
  if (!explorer.loaded) {
    explorer.loaded = true;
    loadRows();
  }
};

/** The links to every vertical the warehouse holds, shown when it holds more than this page's. */
async function loadVerticalLinks() {
  let present = [];
  try {
    present = await getJson('/api/verticals');
  } catch {
    return;
  }
  const current = VERTICAL || 'hed';
  const nav = $('verticals');
  if (present.length === 0 || (present.length === 1 && present[0].prefix === current)) {
    nav.hidden = true;
    return;
  }
  nav.replaceChildren(
    el('span', { className: 'muted', text: 'Paths in this warehouse: ' }),
    ...present.map((v) => {
      const link = el('a', { text: `${v.prefix.toUpperCase()} · ${v.name}`, attrs: { href: v.path, title: v.title, 'data-vertical': v.prefix } });
      if (v.prefix === current) link.setAttribute('aria-current', 'page');
      return link;
    }),
  );
  nav.hidden = false;
}

/** A vertical's page: its title, its own filters (once loaded) and charts. */
function becomeVertical(status) {
  document.title = status.title;
  $('app-title').textContent = status.title;
  document.querySelector('[role="tablist"]').setAttribute('aria-label', `${status.name} views`);
  $('filters').hidden = true;
  $('filters').replaceChildren($('filters-clear'));
  $('charts').replaceChildren();
  $('explorer-csv').setAttribute('download', `${status.vertical}_records.csv`);
}

async function start() {
  let status;
  loadVerticalLinks();
  try {
    status = await getJson(`${API}/status`);
  } catch (error) {
    status = { ready: false, message: error.message, commands: [] };
  }
  if (status.filterColumn) explorer.filterColumn = status.filterColumn;
  if (VERTICAL && status.title && !metricsState.vertical) {
    metricsState.vertical = true;
    becomeVertical(status);
  }
  if (!status.ready) {
    $('source-line').textContent = 'No data yet.';
    $('not-ready').hidden = false;
    $('tabs').hidden = true;
    $('not-ready-message').replaceChildren(...textWithCode(status.message ?? 'The warehouse has no rows.'));
    $('not-ready-commands').replaceChildren(...(status.commands ?? []).map((command) => el('li', {}, [el('code', { text: command })])));
    return;
  }
  $('not-ready').hidden = true;
  $('tabs').hidden = false;
  $('source-line').textContent = `${status.rows.toLocaleString('en-US')} ${NOUN} in ${status.table} of ${status.warehouse}`;
  const wanted = tabs().find((tab) => `#${tab.dataset.hash}` === location.hash) ?? tabs()[0];
  selectTab(wanted);
  // The filter choices and the unfiltered metrics load side by side.
  await Promise.all([(VERTICAL ? loadVerticalFilters() : loadFilters()).catch((error) => showError('metrics-error', error)), loadMetrics()]);
}

// A vertical's page comes with its own title and heading from the server (app/server.ts withPageTitle).
setUpTabs();
setUpMetrics();
setUpExplorer();
$('insights-form').addEventListener('submit', generateInsights);
$('insights-focus').addEventListener('change', describeFocus);
$('not-ready-retry').addEventListener('click', () => start());
window.addEventListener('hashchange', () => {
  const tab = tabs().find((t) => `#${t.dataset.hash}` === location.hash);
  if (tab && tab.getAttribute('aria-selected') !== 'true') selectTab(tab);
});
start();
