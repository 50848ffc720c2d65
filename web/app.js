// frontier-api dashboard: plain ES module, no build step. Calls only the
// public /v1 API (same origin) and draws charts with Chart.js, loaded from
// /app/vendor/chart.umd.js (copied there by scripts/web-vendor). The page's
// state lives in the URL's fragment ("#leaderboards?benchmark=…&as_of=…"),
// which stays in the browser: the server answers / only without a query.

import { money } from './format.mjs';

const COLORS = { actual: '#1f5fbf', planned: '#8a4b00', debt: '#8a4b00', equity: '#1f5fbf', unspecified: '#5f6368', line: '#1a1a1a', forecast: '#8a4b00' };

class ApiUnreachable extends Error {}

async function api(path) {
  let res;
  try {
    res = await fetch(path, { headers: { Accept: 'application/json' } });
  } catch (e) {
    throw new ApiUnreachable(`The API could not be reached (${e.message}).`);
  }
  const type = res.headers.get('content-type') || '';
  if (!/json/.test(type)) {
    throw new ApiUnreachable(`The API answered ${res.status} without JSON; it may be down or not behind this address.`);
  }
  const body = await res.json();
  if (!res.ok) throw new Error(body.detail || body.title || `HTTP ${res.status}`);
  return body;
}

// path with more query parameters: "/v1/results?benchmark=x" and "limit=500".
const withQuery = (path, query) => path + (path.includes('?') ? '&' : '?') + query;

// Every item of a list, page after page.
async function listAll(path) {
  const items = [];
  let cursor = null;
  do {
    const page = await api(withQuery(path, 'limit=500' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : '')));
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return items;
}

function showStatus(msg) {
  const el = document.getElementById('status');
  el.textContent = msg;
  el.hidden = false;
}
function clearStatus() { const el = document.getElementById('status'); el.hidden = true; el.textContent = ''; }

const VIEW_NAMES = { lb: 'the leaderboard', funding: 'the funding view', compute: 'the Colossus view', timeline: 'the timeline', financials: 'the financial figures' };
function handleError(where, e) {
  if (e instanceof ApiUnreachable) {
    showStatus(`The frontier API is unreachable, so the dashboard cannot show data. ${e.message} Check that frontierd is running and try again.`);
  } else {
    showStatus(`Could not load ${VIEW_NAMES[where] || where}: ${e.message}`);
  }
  const out = document.getElementById(where + '-out');
  if (out) out.replaceChildren(h('p', { class: 'help' }, 'No data to show.'));
}

// --- tiny DOM helper --------------------------------------------------------
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k.startsWith('data')) el.setAttribute(k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase()), v);
    else el.setAttribute(k, v);
  }
  for (const c of children.flat()) {
    if (c == null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

let uid = 0;
// A value with its citations, shown on hover and on keyboard focus.
function cited(label, citations, extra) {
  const id = 'tip-' + (++uid);
  const tip = h('span', { role: 'tooltip', id },
    extra ? h('span', {}, extra) : null,
    (citations || []).map((c) => h('span', { class: 'citation' },
      h('strong', {}, 'Source: '), sourceTitle(c.source),
      c.quoted_in && c.quoted_in !== c.source ? `, quoted in ${sourceTitle(c.quoted_in)}` : '',
      h('q', { lang: 'zh' }, c.quote),
      c.quote_en ? h('q', { lang: 'en' }, c.quote_en) : null)),
    (citations || []).length ? null : 'No citation.');
  return h('span', { class: 'cite' }, h('button', { type: 'button', 'aria-describedby': id }, label), tip);
}

// A tooltip is drawn with position: fixed, placed under its value (above when
// there is no room), so a table's scrolling box never clips it. It shows on
// hover and focus, stays while hovered, and Escape dismisses it.
function placeTip(cite) {
  const tip = cite.querySelector('[role=tooltip]');
  const anchor = cite.firstElementChild.getBoundingClientRect();
  const box = tip.getBoundingClientRect();
  const margin = 8;
  const left = Math.max(margin, Math.min(anchor.left, window.innerWidth - box.width - margin));
  const below = anchor.bottom + 2;
  const top = below + box.height + margin <= window.innerHeight || anchor.top < box.height + margin
    ? below : anchor.top - box.height - 2;
  tip.style.left = `${left}px`;
  tip.style.top = `${top}px`;
}
function initTips() {
  const open = (e) => {
    const cite = e.target.closest && e.target.closest('.cite');
    if (!cite || cite.contains(e.relatedTarget)) return;
    cite.classList.remove('dismissed');
    placeTip(cite);
  };
  document.addEventListener('mouseover', open);
  document.addEventListener('focusin', open);
  document.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape') return;
    for (const c of document.querySelectorAll('.cite:hover, .cite:focus-within')) c.classList.add('dismissed');
  });
  const follow = () => {
    for (const c of document.querySelectorAll('.cite:hover, .cite:focus-within')) placeTip(c);
  };
  window.addEventListener('scroll', follow, { capture: true, passive: true });
  window.addEventListener('resize', follow);
}

const moneyNum = (m) => (m ? Number(m.amount) : null); // for chart geometry only; text uses money()
const fmtInt = (n) => new Intl.NumberFormat('en').format(n);
const human = (s) => String(s).replace(/_/g, ' ');

function fuzzy(d) {
  if (!d) return null;
  if (d.earliest && d.latest && d.earliest === d.latest) return null;
  if (d.earliest && d.latest) return `between ${d.earliest} and ${d.latest}`;
  if (d.latest) return `on or before ${d.latest}`;
  if (d.earliest) return `on or after ${d.earliest}`;
  return null;
}

function dateCell(d) {
  if (!d) return h('span', { class: 'fuzzy' }, 'no date given');
  const f = fuzzy(d);
  return h('span', {}, h('span', { class: 'when' }, d.display), f ? h('span', { class: 'fuzzy' }, ` (${f})`) : null);
}

// Each cell carries its column's name (data-label), which a narrow screen
// shows beside the value when it lays the rows out as cards.
function table(caption, head, rows, numeric = []) {
  // Explicit roles: some browsers drop a table's semantics once its CSS
  // display is changed, as the narrow layout does.
  return h('div', { class: 'table-wrap' }, h('table', { role: 'table' },
    h('caption', {}, caption),
    h('thead', { role: 'rowgroup' }, h('tr', { role: 'row' }, head.map((t, i) => h('th', { scope: 'col', role: 'columnheader', class: numeric.includes(i) ? 'num' : null }, t)))),
    h('tbody', { role: 'rowgroup' }, rows.map((r) => h('tr', { role: 'row', ...r.attrs }, r.cells.map((c, i) => i === 0 && r.header !== false
      ? h('th', { scope: 'row', role: 'rowheader', dataLabel: head[i] }, c)
      : h('td', { role: 'cell', class: numeric.includes(i) ? 'num' : null, dataLabel: head[i] }, c)))))));
}

// Records name organizations and sources by id; the page shows their names
// ("xai" as "xAI", a source by its title), from /v1/organizations and
// /v1/sources, fetched once for every view.
let orgNames = new Map();
let sourceTitles = new Map();
let names = null;
function loadNames() {
  names ??= Promise.all([listAll('/v1/organizations'), listAll('/v1/sources')]).then(([orgs, sources]) => {
    orgNames = new Map(orgs.map((o) => [o.id, o.name]));
    sourceTitles = new Map(sources.map((x) => [x.id, x.title]));
  }).catch((e) => { names = null; throw e; });
  return names;
}
const orgName = (id) => orgNames.get(id) || id;
const sourceTitle = (id) => sourceTitles.get(id) || id;
const orgList = (ids) => (ids || []).map(orgName).join(', ');

// The same records as the API's CSV (every list has one), for a spreadsheet.
function csvLink(path, what) {
  const href = withQuery(path, 'format=csv&limit=500');
  const file = path.split('?')[0].split('/').pop() + '.csv'; // "timeline.csv"
  return h('p', { class: 'download' }, h('a', { href, download: file, dataCsv: what }, `Download ${what} as CSV`));
}

const charts = new Map();
function chart(container, key, config) {
  const prev = charts.get(key);
  if (prev) prev.destroy();
  if (!window.Chart) {
    container.append(h('p', { class: 'help' }, 'The chart library did not load; the table below has the same figures.'));
    return;
  }
  const canvas = h('canvas', { role: 'img', 'aria-label': config.label });
  const box = h('div', { class: 'chart-box' }, canvas);
  if (config.height) box.style.height = config.height; // a property: the page's CSP refuses style attributes
  container.append(box);
  const c = new window.Chart(canvas, {
    type: config.type,
    data: config.data,
    options: Object.assign({ responsive: true, maintainAspectRatio: false, animation: false,
      plugins: { legend: { labels: { color: '#1a1a1a' } } } }, config.options || {}),
  });
  charts.set(key, c);
}

// --- (1) leaderboards -------------------------------------------------------
async function initLeaderboards() {
  const sel = document.getElementById('benchmark');
  const asOf = document.getElementById('as-of');
  const [boards] = await Promise.all([listAll('/v1/leaderboards'), loadNames()]);
  sel.replaceChildren(...boards.map((b) => h('option', { value: b.id },
    b.benchmark.name + (b.benchmark.abbreviation ? ` (${b.benchmark.abbreviation})` : ''))));
  boardIds = new Set(boards.map((b) => b.id));
  applyBoardState(boardState);
  const reload = () => loadBoard().catch((e) => handleError('lb', e));
  sel.addEventListener('change', reload);
  asOf.addEventListener('change', reload);
  document.getElementById('as-of-clear').addEventListener('click', () => { asOf.value = ''; reload(); });
  document.getElementById('lb-form').addEventListener('submit', (e) => { e.preventDefault(); reload(); });
  await loadBoard();
}

// The benchmark and as-of date named in the fragment, where they are valid;
// otherwise HLE (the article's headline benchmark) and the latest board.
let boardIds = new Set();
function applyBoardState(params) {
  const sel = document.getElementById('benchmark');
  const want = params.get('benchmark');
  if (want && boardIds.has(want)) sel.value = want;
  else if (boardIds.has('humanitys-last-exam')) sel.value = 'humanitys-last-exam';
  const day = params.get('as_of');
  document.getElementById('as-of').value = day && /^\d{4}-\d{2}-\d{2}$/.test(day) ? day : '';
}

// Each change of benchmark or date asks again; only the latest request's
// answer is shown, however the answers arrive.
let boardRequests = 0;
async function loadBoard() {
  const id = document.getElementById('benchmark').value;
  const asOf = document.getElementById('as-of').value;
  const out = document.getElementById('lb-out');
  const request = ++boardRequests;
  out.setAttribute('aria-busy', 'true');
  const q = asOf ? `?as_of=${encodeURIComponent(asOf)}` : '';
  const board = await api(`/v1/leaderboards/${encodeURIComponent(id)}${q}`);
  if (request !== boardRequests) return;
  clearStatus();
  const b = board.benchmark;
  const unit = b.unit === 'percent' ? '%' : b.unit ? ` ${b.unit}` : '';
  const parts = [h('p', { class: 'help', dataAsOf: board.as_of || '' },
    board.as_of ? `Board as it stood at the end of ${board.as_of}.` : 'Latest board.',
    ` ${b.is_higher_better ? 'Higher' : 'Lower'} is better.`)];
  if (!board.rankings.length) parts.push(h('p', {}, 'No scores were known by that date.'));
  for (const r of board.rankings) {
    const title = `${r.evaluator.name} (${human(r.evaluator_relationship)}), tools: ${human(r.tools)}`;
    const rows = r.entries.map((e) => ({
      attrs: { dataModel: e.model.id, dataRank: String(e.rank), dataTied: String(e.tied) },
      cells: [
        h('span', {}, String(e.rank), e.tied ? h('span', { class: 'tie', title: 'Tied: shares this rank' }, 'tied') : null),
        e.model.name,
        cited(`${e.score}${unit}`, e.citations, e.reported_as ? `Reported as “${e.reported_as}”.` : null),
        dateCell(e.known_since),
      ],
    }));
    parts.push(h('section', { class: 'ranking', dataComparableSet: r.comparable_set, 'aria-label': title },
      h('h3', {}, title),
      table(`${b.name}: ranking by ${r.evaluator.name}`, ['Rank', 'Model', 'Score', 'Known since'], rows, [2])));
  }
  parts.push(csvLink(`/v1/results?benchmark=${encodeURIComponent(id)}`, `every ${b.abbreviation || b.name} result`));
  out.replaceChildren(...parts);
  out.removeAttribute('aria-busy');
  boardState = new URLSearchParams({ benchmark: id });
  if (asOf) boardState.set('as_of', asOf);
  if (fragment().view === 'leaderboards' || !location.hash) setFragment('leaderboards', boardState);
}

// --- the URL's fragment: "#view" or "#view?key=value&…" ---------------------
let boardState = new URLSearchParams();
function fragment() {
  const [view, query = ''] = location.hash.slice(1).split('?');
  return { view, params: new URLSearchParams(query) };
}
function setFragment(view, params) {
  const query = params && params.toString();
  const hash = '#' + view + (query ? '?' + query : '');
  if (location.hash !== hash) history.replaceState(null, '', hash);
}

// --- (2) funding ------------------------------------------------------------
async function loadFunding() {
  const [funding, valuations] = await Promise.all([api('/v1/organizations/xai/funding'), listAll('/v1/valuations'), loadNames()]);
  const out = document.getElementById('funding-out');
  out.replaceChildren();
  const kinds = ['equity', 'debt', 'unspecified'];
  const cum = { equity: 0, debt: 0, unspecified: 0 };
  const series = { equity: [], debt: [], unspecified: [] };
  const labels = [];
  const running = [];
  const rows = [];
  for (const r of funding.rounds) {
    let split = r.tranches.map((t) => `${human(t.kind)} ${money(t.amount)}`).join(', ');
    if (r.tranches.length) for (const t of r.tranches) cum[kinds.includes(t.kind) ? t.kind : 'unspecified'] += moneyNum(t.amount);
    else { cum.unspecified += moneyNum(r.amount); split = 'not broken down in the source'; }
    labels.push([r.announced.display, r.name]);
    for (const k of kinds) series[k].push(cum[k] / 1e9);
    running.push(moneyNum(r.running_total) / 1e9);
    rows.push({ attrs: { dataRound: r.id }, cells: [r.name, dateCell(r.announced), cited(money(r.amount), r.citations), split, money(r.running_total)] });
  }
  out.append(h('h3', {}, 'Cumulative amount raised (US$ billion)'));
  chart(out, 'funding', {
    type: 'bar', label: `Cumulative funding of ${funding.organization.name} by round, split into equity, debt and not broken down; total ${money(funding.computed_total)}`,
    data: { labels, datasets: [
      { type: 'line', label: 'Running total', data: running, borderColor: COLORS.line, backgroundColor: COLORS.line, pointRadius: 4 },
      { label: 'Equity', data: series.equity, backgroundColor: COLORS.equity, stack: 's' },
      { label: 'Debt', data: series.debt, backgroundColor: COLORS.debt, stack: 's' },
      { label: 'Not broken down', data: series.unspecified, backgroundColor: COLORS.unspecified, stack: 's' },
    ] },
    // On a narrow chart the date alone labels a round; its name is in the tooltip.
    options: { scales: { x: { stacked: true, ticks: { color: '#1a1a1a', callback(value) { const l = this.getLabelForValue(value); return this.chart.width < 500 ? l[0] : l; } } }, y: { stacked: true, beginAtZero: true, ticks: { color: '#1a1a1a' }, title: { display: true, text: 'US$ billion', color: '#1a1a1a' } } } },
  });
  out.append(csvLink('/v1/funding-rounds', 'the funding rounds'));
  out.append(table('Funding rounds (running total in date order)', ['Round', 'Announced', 'Amount', 'Debt / equity', 'Running total'], rows, [2, 4]));
  for (const t of funding.reported_totals || []) {
    out.append(h('p', { dataReportedTotal: t.id },
      'Reported total since ', t.since.display, ' as of ', t.as_of.display, ': ', cited(money(t.amount), t.citations),
      t.equivalent ? ` (${money(t.equivalent)})` : '', '. Sum of the rounds: ', money(t.computed_from_rounds),
      t.matches_reported ? ' — matches.' : ' — does not match.'));
  }
  out.append(h('h3', {}, 'Valuations'));
  // A valuation that is part of a combined one (xAI and X within the merger's
  // US$113 billion) is drawn apart from the combined figure.
  const combined = (v) => !v.part_of && (v.organizations || []).length > 1;
  const vname = (v) => (v.organizations || []).map(orgName).join(' + ');
  chart(out, 'valuations', {
    type: 'bar', label: 'Valuations: ' + valuations.map((v) => `${vname(v)} ${money(v.amount)}`).join('; '),
    data: { labels: valuations.map((v) => [vname(v), v.date ? v.date.display : 'no date given']), datasets: [
      { label: 'Company (US$ billion)', data: valuations.map((v) => (combined(v) ? null : moneyNum(v.amount) / 1e9)), backgroundColor: COLORS.equity, grouped: false },
      { label: 'Combined (US$ billion)', data: valuations.map((v) => (combined(v) ? moneyNum(v.amount) / 1e9 : null)), backgroundColor: COLORS.line, grouped: false },
    ] },
    options: { scales: { y: { beginAtZero: true, ticks: { color: '#1a1a1a' }, title: { display: true, text: 'US$ billion', color: '#1a1a1a' } }, x: { ticks: { color: '#1a1a1a' } } } },
  });
  out.append(table('Valuations', ['Valuation', 'Date', 'Amount', 'Basis', 'Part of'], valuations.map((v) => ({
    attrs: { dataValuation: v.id },
    cells: [`${vname(v)}${v.context ? ` (${human(v.context)})` : ''}`, dateCell(v.date), cited(money(v.amount), v.citations, v.note), human(v.basis),
      v.part_of ? vname(valuations.find((p) => p.id === v.part_of) || { organizations: [v.part_of] }) : '—'],
  })), [2]));
  out.append(csvLink('/v1/valuations', 'the valuations'));
}

// --- (3) Colossus -----------------------------------------------------------
async function loadCompute() {
  const [c] = await Promise.all([api('/v1/compute/clusters/colossus'), loadNames()]);
  const out = document.getElementById('compute-out');
  out.replaceChildren(h('p', {}, `${c.name}, ${c.location}. ${c.purpose}.`));
  const caps = c.capacities;
  const isPlanned = (x) => x.status !== 'done';
  chart(out, 'compute', {
    type: 'bar', label: 'Colossus GPU count: ' + caps.map((x) => `${x.date ? x.date.display : 'no date'} ${fmtInt(x.gpu_count)} (${x.status})`).join('; '),
    data: { labels: caps.map((x) => [x.date ? x.date.display : 'no date given', isPlanned(x) ? `(${x.status})` : '(actual)']),
      datasets: [
        { label: 'Actual GPUs', data: caps.map((x) => (isPlanned(x) ? null : x.gpu_count)), backgroundColor: COLORS.actual, grouped: false },
        { label: 'Planned GPUs', data: caps.map((x) => (isPlanned(x) ? x.gpu_count : null)), backgroundColor: 'rgba(138,75,0,0.25)', borderColor: COLORS.planned, borderWidth: 2, borderDash: [6, 4], grouped: false },
      ] },
    options: { scales: { y: { beginAtZero: true, ticks: { color: '#1a1a1a' }, title: { display: true, text: 'GPUs', color: '#1a1a1a' } }, x: { ticks: { color: '#1a1a1a' } } } },
  });
  out.append(table('Capacity over time', ['When', 'Status', 'GPUs', 'GPU model', 'Multiple of previous'], caps.map((x) => ({
    attrs: { dataCapacity: x.id, dataStatus: x.status },
    cells: [dateCell(x.date), h('span', { class: 'badge ' + (isPlanned(x) ? 'planned' : 'actual') }, isPlanned(x) ? human(x.status) : 'actual'),
      cited(fmtInt(x.gpu_count), x.citations, x.note), x.gpu_model || 'not named', x.multiple_of_previous == null ? '—' : `×${x.multiple_of_previous}`],
  })), [2]));
}

// --- (4) timeline -----------------------------------------------------------
async function loadTimeline() {
  const [items] = await Promise.all([listAll('/v1/timeline'), loadNames()]);
  const out = document.getElementById('timeline-out');
  out.replaceChildren(h('div', { class: 'legend-key', 'aria-label': 'Key' },
    h('span', { class: 'badge done' }, 'done'), h('span', { class: 'badge planned' }, 'planned'),
    h('span', { class: 'badge slipped' }, 'slipped'), h('span', { class: 'badge cancelled' }, 'cancelled'),
    h('span', { class: 'fuzzy' }, 'Fuzzy dates keep their wording; the range they may fall in is in brackets.')));
  const list = h('ol', { class: 'timeline' });
  for (const ev of items) {
    const slipped = (ev.revisions || []).some((r) => r.outcome === 'slipped');
    const cls = [ev.status, slipped ? 'slipped' : ''].join(' ').trim();
    list.append(h('li', { class: cls, dataEvent: ev.id, dataStatus: ev.status },
      dateCell(ev.date), ' ',
      h('span', { class: 'badge ' + ev.status }, human(ev.status)),
      slipped ? h('span', { class: 'badge slipped' }, 'slipped') : null, ' ',
      h('span', { class: 'title' }, cited(ev.title, ev.citations, ev.note)),
      ev.revisions && ev.revisions.length ? h('ul', { class: 'revisions', 'aria-label': 'Date revisions' }, ev.revisions.map((r) => h('li', { dataOutcome: r.outcome },
        `Announced ${r.announced ? r.announced.display : '?'}: promised ${r.promised ? r.promised.display : '?'}`,
        r.promised_text ? h('span', { lang: 'zh' }, ` (“${r.promised_text}”)`) : null,
        ` — ${human(r.outcome || 'unknown')}`))) : null));
  }
  out.append(list);
  out.append(csvLink('/v1/timeline', 'the timeline'));
}

// --- (5) financials ---------------------------------------------------------
async function loadFinancials() {
  const [items] = await Promise.all([listAll('/v1/financials'), loadNames()]);
  const out = document.getElementById('financials-out');
  out.replaceChildren();
  const amountText = (f) => (f.bound === 'up_to' ? 'up to ' : f.bound === 'at_least' ? 'at least ' : '') + money(f.amount) + (f.per ? ` per ${f.per}` : '');
  // Totals only: a rate (burn per month) is not on the same axis as a year's
  // revenue, so it stays in the table.
  const drawn = items.filter((f) => f.amount && !f.per);
  chart(out, 'financials', {
    type: 'bar', label: 'Financial figures, actual versus forecast: ' + drawn.map((f) => `${human(f.metric)}, ${orgList(f.organizations)}, ${f.period.display}: ${amountText(f)} (${f.kind})`).join('; '),
    data: { labels: drawn.map((f) => [`${human(f.metric)}, ${f.period.display}`, orgList(f.organizations)]), datasets: [
      { label: 'Actual (US$ billion)', data: drawn.map((f) => (f.kind === 'actual' ? moneyNum(f.amount) / 1e9 : null)), backgroundColor: COLORS.actual, grouped: false },
      { label: 'Forecast (US$ billion)', data: drawn.map((f) => (f.kind === 'forecast' ? moneyNum(f.amount) / 1e9 : null)), backgroundColor: 'rgba(138,75,0,0.25)', borderColor: COLORS.forecast, borderWidth: 2, borderDash: [6, 4], grouped: false },
    ] },
    options: { indexAxis: 'y', scales: {
      // Powers of ten only: the figures run from US$0.5 billion to US$320 billion.
      x: { type: 'logarithmic', ticks: { color: '#1a1a1a', callback: (v) => (Math.log10(v) % 1 === 0 ? String(v) : null) }, title: { display: true, text: 'US$ billion (log scale)', color: '#1a1a1a' } },
      y: { ticks: { color: '#1a1a1a', autoSkip: false } } } },
    height: `${Math.max(14, drawn.length * 3.2)}rem`,
  });
  for (const kind of ['actual', 'forecast']) {
    const rows = items.filter((f) => f.kind === kind).map((f) => ({
      attrs: { dataFinancial: f.id, dataKind: f.kind },
      cells: [human(f.metric), orgList(f.organizations), dateCell(f.period),
        f.amount ? cited(amountText(f), f.citations, f.note) : cited('expected (no amount)', f.citations, f.note),
        kind === 'forecast' ? (f.forecaster ? orgName(f.forecaster) : f.forecaster_note || 'not named') : h('span', { class: 'badge actual' }, 'actual')],
    }));
    out.append(table(kind === 'actual' ? 'Actual figures' : 'Forecasts', ['Metric', 'Organization', 'Period', 'Amount', kind === 'forecast' ? 'Forecast by' : 'Kind'], rows, [3]));
  }
  out.append(csvLink('/v1/financials', 'the financial figures'));
}

// --- tabs -------------------------------------------------------------------
const loaders = { funding: loadFunding, compute: loadCompute, timeline: loadTimeline, financials: loadFinancials };
const loaded = new Set();

function selectTab(tab, focus) {
  const tabs = [...document.querySelectorAll('[role=tab]')];
  for (const t of tabs) {
    const on = t === tab;
    t.setAttribute('aria-selected', String(on));
    t.tabIndex = on ? 0 : -1;
    document.getElementById(t.getAttribute('aria-controls')).hidden = !on;
  }
  if (focus) tab.focus();
  const name = tab.id.replace('tab-', '');
  setFragment(name, name === 'leaderboards' ? boardState : null);
  if (loaders[name] && !loaded.has(name)) {
    loaded.add(name);
    const panel = document.getElementById('view-' + name);
    panel.setAttribute('aria-busy', 'true');
    loaders[name]().then(() => { panel.dataset.loaded = 'true'; })
      .catch((e) => { loaded.delete(name); handleError(name, e); })
      .finally(() => panel.removeAttribute('aria-busy'));
  }
}

function initTabs() {
  const list = document.getElementById('tabs');
  const tabs = [...list.querySelectorAll('[role=tab]')];
  list.addEventListener('click', (e) => { const t = e.target.closest('[role=tab]'); if (t) selectTab(t, false); });
  list.addEventListener('keydown', (e) => {
    const i = tabs.indexOf(document.activeElement);
    if (i < 0) return;
    let j = null;
    if (e.key === 'ArrowRight') j = (i + 1) % tabs.length;
    else if (e.key === 'ArrowLeft') j = (i - 1 + tabs.length) % tabs.length;
    else if (e.key === 'Home') j = 0;
    else if (e.key === 'End') j = tabs.length - 1;
    if (j != null) { e.preventDefault(); selectTab(tabs[j], true); }
  });
  const start = document.getElementById('tab-' + fragment().view);
  if (start) selectTab(start, false);
  // A fragment typed or followed later (a bookmark, a link on the page).
  window.addEventListener('hashchange', () => {
    const { view, params } = fragment();
    const tab = document.getElementById('tab-' + (view || 'leaderboards'));
    if (!tab) return;
    if (tab.id === 'tab-leaderboards' && boardIds.size) {
      applyBoardState(params);
      loadBoard().catch((e) => handleError('lb', e));
    }
    selectTab(tab, false);
  });
}

function start() {
  initTips();
  const { view, params } = fragment();
  if (view === 'leaderboards') boardState = params; // before the tabs rewrite the fragment
  initTabs();
  const panel = document.getElementById('view-leaderboards');
  initLeaderboards().then(() => { panel.dataset.loaded = 'true'; }).catch((e) => handleError('lb', e));
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
