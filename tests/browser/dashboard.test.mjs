// Browser test of the dashboard (web/), as a visitor sees it: frontierd
// (FRONTIERD_BIN, default build/frontierd) starts on a free port with the
// seed in memory and serves both the page (web/, --web) and the /v1 API; a
// headless Chromium (CHROMIUM_PATH, default /usr/bin/chromium) driven by
// playwright-core opens it. Each view is checked against what the API itself
// answers. Screenshots go to SCREENSHOT_DIR (default: screenshots/ beside the
// binary). Needs web/vendor/ (scripts/web-vendor, which install-deps runs).
//
//   node --test tests/browser/dashboard.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { money } from '../../web/format.mjs';
import { createRequire } from 'node:module';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const webDir = path.join(root, 'web');
const bin = process.env.FRONTIERD_BIN || path.join(root, 'build/frontierd');
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const shots = process.env.SCREENSHOT_DIR || path.join(path.dirname(bin), 'screenshots');

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

async function waitFor(url, ms = 20000) {
  const end = Date.now() + ms;
  for (;;) {
    try { const r = await fetch(url); if (r.ok) return; } catch {}
    if (Date.now() > end) throw new Error(`${url} did not answer in ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

let daemon, browser, base;

// frontierd on a free port with the seed in memory, serving web/; resolves
// once it is ready. stop() ends it with SIGTERM and checks a clean exit (under
// AddressSanitizer a leak makes it non-zero).
async function startDaemon(extra = []) {
  const port = await freePort();
  const child = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--db', ':memory:', '--seed', path.join(root, 'data/seed'), '--web', webDir, ...extra],
    { stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/readyz`);
  const stop = async () => {
    const code = child.exitCode !== null ? child.exitCode
      : await new Promise((resolve) => { child.once('exit', (c, signal) => resolve(c ?? signal)); child.kill('SIGTERM'); });
    assert.equal(code, 0, 'frontierd stopped cleanly');
  };
  return { url, stop };
}

before(async () => {
  assert.ok(fs.existsSync(path.join(webDir, 'vendor/chart.umd.js')), 'web/vendor/chart.umd.js is missing: run scripts/web-vendor');
  fs.mkdirSync(shots, { recursive: true });
  daemon = await startDaemon();
  base = daemon.url;
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox'] });
});

after(async () => {
  await browser?.close();
  await daemon?.stop();
});

const api = async (p) => (await fetch(base + p)).json();

// bypassCSP only to inject axe-core: the page's own Content-Security-Policy
// refuses any script it did not load itself, and a violation would show as a
// console error in every other test.
// Each CSV link of a view answers the API's CSV, one row per record (with a
// header row, and records may span lines: only the status and type are
// checked beyond the first line naming the id column).
async function checkCsvLinks(page, view, want) {
  const hrefs = await page.$$eval(`#view-${view} a[data-csv]`, (as) => as.map((a) => a.getAttribute('href')));
  assert.equal(hrefs.length, want, `${view}: ${want} CSV links`);
  for (const href of hrefs) {
    const res = await fetch(base + href);
    assert.equal(res.status, 200, href);
    assert.match(res.headers.get('content-type'), /^text\/csv/, href);
    assert.match((await res.text()).split('\r\n')[0], /^id,/, href);
  }
}

async function openPage(t, hash = '', viewport = { width: 1200, height: 900 }, bypassCSP = false) {
  const page = await browser.newPage({ viewport, bypassCSP });
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  // Every request stays on frontierd's origin: no CDN, works offline.
  const foreign = [];
  page.on('request', (r) => { if (!r.url().startsWith(base + '/') && !r.url().startsWith('data:')) foreign.push(r.url()); });
  t.after(async () => { await page.close(); assert.deepEqual(foreign, [], 'requests outside the origin'); });
  await page.goto(base + '/' + hash);
  return { page, errors };
}


test('leaderboards: rankings per evaluator, ties, citations, as-of changes the HLE leader', async (t) => {
  const { page, errors } = await openPage(t);
  await page.waitForSelector('#view-leaderboards[data-loaded=true]');
  assert.equal(await page.inputValue('#benchmark'), 'humanitys-last-exam');

  const latest = await api('/v1/leaderboards/humanitys-last-exam');
  const sets = await page.$$eval('#lb-out .ranking', (els) => els.map((e) => e.dataset.comparableSet));
  assert.deepEqual(sets, latest.rankings.map((r) => r.comparable_set));
  for (const r of latest.rankings) {
    const rows = await page.$$eval(`.ranking[data-comparable-set="${r.comparable_set}"] tbody tr`, (trs) => trs.map((tr) => [tr.dataset.model, tr.dataset.rank, tr.querySelector('.cite button').textContent]));
    assert.deepEqual(rows, r.entries.map((e) => [e.model.id, String(e.rank), `${e.score}%`]));
  }

  // Citation on keyboard focus and on hover.
  const aa = '.ranking[data-comparable-set="artificial-analysis/third_party/unspecified"]';
  const first = latest.rankings.find((r) => r.comparable_set.startsWith('artificial-analysis')).entries[0];
  const btn = page.locator(`${aa} tbody tr`).first().locator('.cite button');
  const tip = page.locator(`${aa} tbody tr`).first().locator('[role=tooltip]');
  assert.equal(await tip.isVisible(), false);
  await btn.focus();
  assert.equal(await tip.isVisible(), true);
  const tipText = await tip.textContent();
  assert.ok(tipText.includes(first.citations[0].quote), 'tooltip shows the quote');
  const source = await api(`/v1/sources/${first.citations[0].source}`);
  assert.ok(tipText.includes(source.title), 'tooltip shows the source by its title');
  if (first.reported_as) assert.ok(tipText.includes(first.reported_as), 'tooltip shows how the score was reported');
  // Whole and on top: inside the viewport, and what is under its corners and
  // centre is the tooltip itself (a scrolling table once clipped it).
  const tipSel = `${aa} tbody tr:first-child [role=tooltip]`;
  const unclipped = () => page.evaluate((sel) => {
    const t = document.querySelector(sel);
    const r = t.getBoundingClientRect();
    if (r.left < 0 || r.top < 0 || r.right > innerWidth || r.bottom > innerHeight) return false;
    return [[r.left + 2, r.top + 2], [r.right - 2, r.bottom - 2], [(r.left + r.right) / 2, (r.top + r.bottom) / 2]]
      .every(([x, y]) => t.contains(document.elementFromPoint(x, y)));
  }, tipSel);
  assert.equal(await unclipped(), true, 'tooltip whole and on top');
  await page.keyboard.press('Escape');
  assert.equal(await tip.isVisible(), false, 'Escape dismisses the tooltip');
  await btn.blur();
  await page.mouse.move(0, 0);
  assert.equal(await tip.isVisible(), false);
  await btn.hover();
  assert.equal(await tip.isVisible(), true);
  assert.equal(await unclipped(), true, 'tooltip whole and on top on hover');
  await checkCsvLinks(page, 'leaderboards', 1);
  await page.screenshot({ path: path.join(shots, 'leaderboards-latest.png'), fullPage: true });

  // The as-of control: HLE leader (Artificial Analysis) on 2025-07-09 vs 2025-07-11.
  const leader = async () => page.$eval(`${aa} tbody tr`, (tr) => tr.dataset.model);
  for (const day of ['2025-07-09', '2025-07-11']) {
    const want = (await api(`/v1/leaderboards/humanitys-last-exam?as_of=${day}`)).rankings.find((r) => r.comparable_set.startsWith('artificial-analysis')).entries[0].model.id;
    await page.fill('#as-of', day);
    await page.waitForSelector(`#lb-out [data-as-of="${day}"]`);
    assert.equal(await leader(), want, `leader as of ${day}`);
    await page.screenshot({ path: path.join(shots, `leaderboards-${day}.png`), fullPage: true });
  }
  const l09 = (await api('/v1/leaderboards/humanitys-last-exam?as_of=2025-07-09')).rankings[0].entries[0].model.id;
  const l11 = (await api('/v1/leaderboards/humanitys-last-exam?as_of=2025-07-11')).rankings[0].entries[0].model.id;
  assert.notEqual(l09, l11, 'the API itself changes the HLE leader between the two days');

  // Ties: the intelligence index has two entries sharing rank 2.
  await page.fill('#as-of', '');
  await page.selectOption('#benchmark', 'artificial-analysis-intelligence-index');
  await page.waitForSelector('#lb-out tr[data-tied=true]');
  const aai = await api('/v1/leaderboards/artificial-analysis-intelligence-index');
  const tied = aai.rankings.flatMap((r) => r.entries.filter((e) => e.tied).map((e) => e.model.id)).sort();
  const shown = (await page.$$eval('#lb-out tr[data-tied=true]', (trs) => trs.map((tr) => tr.dataset.model))).sort();
  assert.deepEqual(shown, tied);
  assert.ok(tied.length >= 2);
  assert.equal(await page.locator('#lb-out tr[data-tied=true] .tie').first().isVisible(), true);
  assert.deepEqual(errors, []);
});

test('the URL fragment keeps the benchmark and the date, so a view can be bookmarked', async (t) => {
  const { page, errors } = await openPage(t, '#leaderboards?benchmark=artificial-analysis-intelligence-index&as_of=2025-07-09');
  await page.waitForSelector('#lb-out [data-as-of="2025-07-09"]');
  assert.equal(await page.inputValue('#benchmark'), 'artificial-analysis-intelligence-index');
  assert.equal(await page.inputValue('#as-of'), '2025-07-09');
  const board = await api('/v1/leaderboards/artificial-analysis-intelligence-index?as_of=2025-07-09');
  const shown = await page.$$eval('#lb-out .ranking tbody tr', (trs) => trs.map((tr) => tr.dataset.model));
  assert.deepEqual(shown, board.rankings.flatMap((r) => r.entries.map((e) => e.model.id)));

  await page.fill('#as-of', '2025-07-11');
  await page.waitForSelector('#lb-out [data-as-of="2025-07-11"]');
  assert.equal(new URL(page.url()).hash, '#leaderboards?benchmark=artificial-analysis-intelligence-index&as_of=2025-07-11');
  // A reload revalidates the page's scripts and styles with the ETags
  // frontierd sent: they come back as 304s, not again in full. (The browser
  // fetches the favicon by rules of its own.)
  const statuses = new Map();
  const record = (r) => {
    if (r.url().startsWith(`${base}/app/`) && ['script', 'stylesheet'].includes(r.request().resourceType())) statuses.set(new URL(r.url()).pathname, r.status());
  };
  page.on('response', record);
  await page.reload();
  await page.waitForSelector('#lb-out [data-as-of="2025-07-11"]');
  page.off('response', record);
  assert.deepEqual([...statuses.values()].filter((code) => code !== 304), [], `revalidated: ${JSON.stringify([...statuses])}`);
  assert.ok(statuses.has('/app/app.js') && statuses.has('/app/vendor/chart.umd.js'), JSON.stringify([...statuses]));
  assert.equal(await page.inputValue('#benchmark'), 'artificial-analysis-intelligence-index');

  // Another view, then back: the board's state comes back into the URL.
  await page.click('#tab-timeline');
  assert.equal(new URL(page.url()).hash, '#timeline');
  await page.click('#tab-leaderboards');
  assert.equal(new URL(page.url()).hash, '#leaderboards?benchmark=artificial-analysis-intelligence-index&as_of=2025-07-11');
  // A fragment followed later (a link, a bookmark) is applied too.
  await page.evaluate(() => { location.hash = '#leaderboards?benchmark=humanitys-last-exam'; });
  await page.waitForSelector('#lb-out [data-as-of=""]');
  assert.equal(await page.inputValue('#benchmark'), 'humanitys-last-exam');
  assert.equal(await page.inputValue('#as-of'), '');
  // A query string is not how the page keeps state: frontierd refuses one.
  assert.equal((await fetch(base + '/?benchmark=x')).status, 400);
  assert.deepEqual(errors, []);
});

test('the board shows the latest choice, whatever order the answers arrive in', async (t) => {
  const { page, errors } = await openPage(t);
  await page.waitForSelector('#view-leaderboards[data-loaded=true]');
  let delayed;
  const released = new Promise((resolve) => { delayed = resolve; });
  await page.route('**/v1/leaderboards/humanitys-last-exam?as_of=2025-07-09', async (route) => {
    await released; // answered only after the later choice is on screen
    await route.continue();
  });
  await page.fill('#as-of', '2025-07-09');
  await page.fill('#as-of', '2025-07-11');
  await page.waitForSelector('#lb-out [data-as-of="2025-07-11"]');
  const stale = page.waitForResponse('**/v1/leaderboards/humanitys-last-exam?as_of=2025-07-09');
  delayed();
  await stale;
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 50))));
  assert.equal(await page.locator('#lb-out [data-as-of="2025-07-11"]').count(), 1);
  assert.equal(await page.locator('#lb-out [data-as-of="2025-07-09"]').count(), 0);
  assert.equal(await page.inputValue('#as-of'), '2025-07-11');
  assert.deepEqual(errors, []);
});

test('keyboard: tabs move with the arrow keys', async (t) => {
  const { page, errors } = await openPage(t);
  await page.focus('#tab-leaderboards');
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'tab-funding');
  assert.equal(await page.isVisible('#view-funding'), true);
  assert.equal(await page.isVisible('#view-leaderboards'), false);
  await page.keyboard.press('End');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'tab-financials');
  await page.waitForSelector('#view-financials[data-loaded=true]');
  assert.deepEqual(errors, []);
});

test('funding: rounds, debt/equity split, running totals and valuations', async (t) => {
  const { page, errors } = await openPage(t, '#funding');
  await page.waitForSelector('#view-funding[data-loaded=true]');
  const f = await api('/v1/organizations/xai/funding');
  for (const r of f.rounds) {
    const cells = await page.$$eval(`tr[data-round="${r.id}"] td`, (tds) => tds.map((td) => td.textContent));
    assert.ok(cells[1].startsWith(money(r.amount)), `${r.id} amount`);
    assert.equal(cells[3], money(r.running_total));
    for (const tr of r.tranches) assert.ok(cells[2].includes(`${tr.kind} ${money(tr.amount)}`), `${r.id} ${tr.kind}`);
  }
  const vals = await api('/v1/valuations');
  for (const v of vals.items) {
    const text = await page.textContent(`tr[data-valuation="${v.id}"]`);
    assert.ok(text.includes(money(v.amount)) && text.includes(v.date.display), v.id);
  }
  assert.equal(await page.locator('#funding-out canvas').count(), 2);
  await checkCsvLinks(page, 'funding', 2);
  await page.screenshot({ path: path.join(shots, 'funding.png'), fullPage: true });
  assert.deepEqual(errors, []);
});

test('Colossus: actual versus planned capacity', async (t) => {
  const { page, errors } = await openPage(t, '#compute');
  await page.waitForSelector('#view-compute[data-loaded=true]');
  const c = await api('/v1/compute/clusters/colossus');
  for (const x of c.capacities) {
    const text = await page.textContent(`tr[data-capacity="${x.id}"]`);
    assert.ok(text.includes(new Intl.NumberFormat('en').format(x.gpu_count)), x.id);
    assert.ok(text.includes(x.status === 'done' ? 'actual' : x.status), `${x.id} status`);
    if (x.date) assert.ok(text.includes(x.date.display));
  }
  assert.ok(c.capacities.some((x) => x.status === 'planned'));
  assert.equal(await page.locator('#compute-out canvas').count(), 1);
  await page.screenshot({ path: path.join(shots, 'compute.png'), fullPage: true });
  assert.deepEqual(errors, []);
});

test('timeline: slipped and planned events marked, fuzzy dates with their display text', async (t) => {
  const { page, errors } = await openPage(t, '#timeline');
  await page.waitForSelector('#view-timeline[data-loaded=true]');
  const items = (await api('/v1/timeline?limit=500')).items;
  assert.equal(await page.locator('li[data-event]').count(), items.length);
  for (const ev of items) {
    const li = page.locator(`li[data-event="${ev.id}"]`);
    const text = await li.textContent();
    assert.ok(text.includes(ev.date.display), `${ev.id} shows ${ev.date.display}`);
    assert.ok(text.includes(ev.title));
    if (ev.status !== 'done') assert.ok(await li.locator(`.badge.${ev.status}`).first().isVisible(), `${ev.id} marked ${ev.status}`);
    if ((ev.revisions || []).some((r) => r.outcome === 'slipped')) assert.ok(await li.locator('.badge.slipped').first().isVisible(), `${ev.id} marked slipped`);
  }
  assert.ok(await page.locator('li[data-event]', { hasText: 'mid-May 2025' }).count() >= 1);
  await checkCsvLinks(page, 'timeline', 1);
  await page.screenshot({ path: path.join(shots, 'timeline.png'), fullPage: true });
  assert.deepEqual(errors, []);
});

test('financials: actual versus forecast', async (t) => {
  const { page, errors } = await openPage(t, '#financials');
  await page.waitForSelector('#view-financials[data-loaded=true]');
  const items = (await api('/v1/financials?limit=500')).items;
  for (const f of items) {
    const row = page.locator(`tr[data-financial="${f.id}"]`);
    assert.equal(await row.getAttribute('data-kind'), f.kind);
    const text = await row.textContent();
    assert.ok(text.includes(f.period.display), f.id);
    if (f.amount) assert.ok(text.includes(money(f.amount)), `${f.id} amount ${money(f.amount)} in ${text}`);
  }
  await checkCsvLinks(page, 'financials', 1);
  await page.screenshot({ path: path.join(shots, 'financials.png'), fullPage: true });
  assert.deepEqual(errors, []);
});

test('375 px wide: no horizontal page scroll', async (t) => {
  const { page, errors } = await openPage(t, '', { width: 375, height: 800 });
  await page.waitForSelector('#view-leaderboards[data-loaded=true]');
  for (const tab of ['leaderboards', 'funding', 'compute', 'timeline', 'financials']) {
    await page.click(`#tab-${tab}`);
    await page.waitForSelector(`#view-${tab}[data-loaded=true]`);
    const over = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(over <= 0, `${tab} overflows by ${over}px at 375px`);
    await page.screenshot({ path: path.join(shots, `mobile-${tab}.png`), fullPage: true });
    await page.screenshot({ path: path.join(shots, `mobile-${tab}-first-screen.png`) });
  }
  assert.deepEqual(errors, []);
});

// axe-core (npm) checks each view against WCAG 2.1 A and AA: labelled
// controls, contrast, roles, landmarks. Any violation fails, with its details.
test('accessibility: no WCAG 2.1 A or AA violation in any view, wide or phone-width', async (t) => {
  for (const viewport of [{ width: 1200, height: 900 }, { width: 375, height: 800 }]) {
    const { page, errors } = await openPage(t, '', viewport, true);
    await page.waitForSelector('#view-leaderboards[data-loaded=true]');
    await page.addScriptTag({ path: axePath });
    for (const tab of ['leaderboards', 'funding', 'compute', 'timeline', 'financials']) {
      await page.click(`#tab-${tab}`);
      await page.waitForSelector(`#view-${tab}[data-loaded=true]`);
      const result = await page.evaluate(() => window.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }));
      const found = result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join('; ')})`);
      assert.deepEqual(found, [], `${tab} at ${viewport.width}px`);
      assert.ok(result.passes.length > 10, 'axe ran its rules');
    }
    assert.deepEqual(errors, []);
  }
});

// A writer can put any text into a record; the page must show it as text.
test('text from the data is shown as text, never run as markup', async (t) => {
  const token = 'browser-test-writer-token-0123456789';
  const digest = crypto.createHash('sha256').update(token).digest('hex');
  const writable = await startDaemon(['--tokens', `tester:${digest}`]);
  t.after(() => writable.stop());
  const markup = '<img src=x onerror="window.__injected = 1"><b>bold</b>';
  const current = await fetch(`${writable.url}/v1/timeline/xai-founded`);
  const event = await current.json();
  const patched = await fetch(`${writable.url}/v1/timeline/xai-founded`, {
    method: 'PATCH',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/merge-patch+json', 'If-Match': current.headers.get('etag') },
    body: JSON.stringify({ title: markup, citations: event.citations }),
  });
  assert.equal(patched.status, 200, await patched.text());

  const page = await browser.newPage();
  t.after(() => page.close());
  await page.goto(`${writable.url}/#timeline`);
  await page.waitForSelector('#view-timeline[data-loaded=true]');
  const title = page.locator('li[data-event="xai-founded"] .title .cite button');
  assert.equal(await title.textContent(), markup);
  assert.equal(await page.locator('#view-timeline img, #view-timeline b').count(), 0);
  assert.equal(await page.evaluate(() => window.__injected), undefined);
});

test('a clear message when the API is unreachable', async (t) => {
  const page = await browser.newPage();
  t.after(() => page.close());
  // The page itself came from frontierd; then the API stops answering, as
  // when the daemon is stopped or a proxy in front of it fails.
  await page.route('**/v1/**', (route) => route.abort('connectionrefused'));
  await page.goto(base + '/');
  await page.waitForSelector('#status:not([hidden])');
  assert.match(await page.textContent('#status'), /unreachable/i);
  assert.equal(await page.isVisible('#lb-out'), true);
  assert.match(await page.textContent('#lb-out'), /No data to show/);
  await page.screenshot({ path: path.join(shots, 'unreachable.png') });
});
