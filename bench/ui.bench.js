'use strict';
// The web view (`transcriber ui`) on the CLI bench's data directory: 1,000,000 spans over the 50
// minutes before the run (bench/cli.bench.js), its 111,112 turns carrying their voice-to-voice and
// stages as real turns do (`turnFigures`), 1,000,000 metric points, a resource sample a second of
// two processes. Three measurements, each against its target:
//   - every API call the pages make, in this process over real HTTP (127.0.0.1): p95 ≤ 100 ms;
//   - the turns page, and the over-time page for the whole hour, fully drawn in headless Chromium
//     (Debian's, through playwright-core) from the navigation: ≤ 1 s;
//   - `transcriber ui` start-up (spawn to its "serving" line) against `transcriber --version` in
//     the same rounds: ≤ 2×.
// `BENCH_STRICT=1` makes a missed target fail the run. BENCH_ROUNDS (default 20 for the API, a
// third of it for the others) sets the rounds.
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { buildDataDir } = require('./cli.bench.js');
const { startUiServer } = require('@transcriber/ui');
/* global fetch */

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const BIN = path.join(__dirname, '..', 'packages', 'cli', 'dist', 'bin.js');
const CHROMIUM = '/usr/bin/chromium';
const API_TARGET_MS = 100;
const PAGE_TARGET_MS = 1000;
const START_TARGET_RATIO = 2;

function percentile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (q / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}
const median = (values) => percentile(values, 50);

/** Every API call a page makes (with the page's own parameters). */
function apiCalls(traceId) {
  return {
    'turns (page)': '/api/turns?limit=100',
    'turns, slowest': '/api/turns?limit=100&order=slowest',
    'services (filter)': '/api/services',
    'meta (footer)': '/api/meta',
    'operations (traces page)': '/api/operations?limit=100',
    'operations, slowest': '/api/operations?limit=100&order=slowest',
    'operations, failed': '/api/operations?limit=100&errors=true',
    'trace (waterfall)': `/api/traces/${traceId}`,
    'over time, 60 min': '/api/over-time?minutes=60',
    profiles: '/api/profiles?minutes=1440',
    benchmarks: '/api/benchmarks?days=30',
    'compare (last hour vs before)': '/api/compare',
    recommendations: '/api/recommendations?minutes=60',
  };
}

async function measureApi(server) {
  const get = async (p) => {
    const started = performance.now();
    const res = await fetch(new URL(p, server.url));
    const body = await res.text();
    const ms = performance.now() - started;
    if (res.status !== 200) throw new Error(`${p}: HTTP ${res.status} ${body.slice(0, 200)}`);
    return { ms, body };
  };
  const { operations } = JSON.parse((await get('/api/operations?limit=1')).body);
  const calls = apiCalls(operations[0].traceId);
  const names = Object.keys(calls);
  // Once each first: the modules a route loads the first time it is asked for are not the query.
  for (const name of names) await get(calls[name]);
  const times = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(round + i) % names.length];
      times[name].push((await get(calls[name])).ms);
    }
  }
  return names.map((name) => ({ name, p50: median(times[name]), p95: percentile(times[name], 95) }));
}

async function measurePages(server) {
  const { chromium } = require('playwright-core');
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'transcriber-ui-bench-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 1000 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  const pages = { 'turns page': '#/turns', 'over-time page, 60 min': '#/over-time?minutes=60' };
  const times = Object.fromEntries(Object.keys(pages).map((n) => [n, []]));
  const problems = [];
  try {
    const rounds = Math.max(3, Math.round(ROUNDS / 3));
    for (let round = -1; round < rounds; round++) {
      for (const [name, hash] of Object.entries(pages)) {
        const page = await browser.newPage();
        page.on('console', (m) => m.type() === 'error' && problems.push(`${name}: ${m.text()}`));
        page.on('pageerror', (e) => problems.push(`${name}: ${e.message}`));
        // From the navigation (a new page, nothing cached by it) to the page's data drawn.
        const started = performance.now();
        await page.goto(`${server.url}${hash}`);
        await page.waitForSelector('#content[data-state="ready"]', { timeout: 30_000 });
        const ms = performance.now() - started;
        if (round >= 0) times[name].push(ms);
        await page.close();
      }
    }
  } finally {
    await browser.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  if (problems.length > 0) throw new Error(`the pages reported errors:\n${problems.join('\n')}`);
  return Object.entries(times).map(([name, ms]) => ({
    name,
    p50: median(ms),
    p95: percentile(ms, 95),
    max: Math.max(...ms),
  }));
}

/** Wall time of a whole `transcriber --version`. */
function versionMs() {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [BIN, '--version'], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`--version exited ${result.status}: ${result.stderr}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/** From spawning `transcriber ui` to its "serving" line (it is then stopped). */
function uiStartMs(dataDir) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [BIN, 'ui', '--port', '0', '--data-dir', dataDir]);
    let stderr = '';
    let ms;
    child.stderr.setEncoding('utf8').on('data', (text) => {
      stderr += text;
      if (ms === undefined && stderr.includes('serving http')) {
        ms = Number(process.hrtime.bigint() - started) / 1e6;
        child.kill('SIGTERM');
      }
    });
    child.on('close', (code) =>
      ms !== undefined && code === 0 ? resolve(ms) : reject(new Error(`ui: ${code} ${stderr}`)),
    );
  });
}

async function measureStart(dataDir) {
  versionMs(); // warm the file cache for node and the CLI
  await uiStartMs(dataDir);
  const version = [];
  const ui = [];
  const rounds = Math.max(5, Math.round(ROUNDS / 2));
  for (let round = 0; round < rounds; round++) {
    if (round % 2 === 0) {
      version.push(versionMs());
      ui.push(await uiStartMs(dataDir));
    } else {
      ui.push(await uiStartMs(dataDir));
      version.push(versionMs());
    }
  }
  return { version: median(version), ui: median(ui) };
}

function table(rows) {
  const widths = rows[0].map((_, col) => Math.max(...rows.map((r) => String(r[col]).length)));
  return rows
    .map((row) =>
      row
        .map((cell, col) => (col === 0 ? String(cell).padEnd(widths[col]) : String(cell).padStart(widths[col])))
        .join('  '),
    )
    .join('\n');
}

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'transcriber-ui-bench-'));
  const missed = [];
  let server;
  try {
    const built = buildDataDir(dataDir, { turnFigures: true });
    console.log(
      `data: ${built.spans.toLocaleString('en-US')} spans (111,112 turns with their figures), built in ${(built.insertMs / 1000).toFixed(1)} s`,
    );
    server = await startUiServer({ dataDir, port: 0 });

    const api = await measureApi(server);
    console.log(`\nAPI calls in this process over HTTP, ${ROUNDS} rounds each (after one unmeasured call):`);
    console.log(
      table([
        ['call', 'p50 ms', 'p95 ms', `target p95 ≤ ${API_TARGET_MS}`],
        ...api.map((a) => {
          if (a.p95 > API_TARGET_MS) missed.push(`API ${a.name}`);
          return [a.name, a.p50.toFixed(1), a.p95.toFixed(1), a.p95 <= API_TARGET_MS ? 'met' : 'MISSED'];
        }),
      ]),
    );

    if (fs.existsSync(CHROMIUM)) {
      const pages = await measurePages(server);
      console.log('\npages in headless Chromium, navigation to fully drawn:');
      console.log(
        table([
          ['page', 'median ms', 'p95 ms', 'max ms', `target ≤ ${PAGE_TARGET_MS}`],
          ...pages.map((p) => {
            if (p.p95 > PAGE_TARGET_MS) missed.push(p.name);
            return [
              p.name,
              p.p50.toFixed(0),
              p.p95.toFixed(0),
              p.max.toFixed(0),
              p.p95 <= PAGE_TARGET_MS ? 'met' : 'MISSED',
            ];
          }),
        ]),
      );
    } else {
      console.log(`\n${CHROMIUM} is missing (bash scripts/install-system-deps.sh): pages not measured`);
      missed.push('pages (no Chromium)');
    }

    const start = await measureStart(dataDir);
    const ratio = start.ui / start.version;
    if (ratio > START_TARGET_RATIO) missed.push('transcriber ui start-up');
    console.log(
      `\nstart-up, medians: transcriber --version ${start.version.toFixed(0)} ms, transcriber ui to "serving" ${start.ui.toFixed(0)} ms: ${ratio.toFixed(2)}× (target ≤ ${START_TARGET_RATIO}×)`,
    );
    console.log(missed.length === 0 ? '\ntargets met' : `\ntargets missed: ${missed.join(', ')}`);
    if (missed.length > 0 && process.env.BENCH_STRICT === '1') process.exitCode = 1;
  } finally {
    await server?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
