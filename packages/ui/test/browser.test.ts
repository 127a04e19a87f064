/**
 * The web view in a real browser (Debian's Chromium, headless, driven by playwright-core), on a
 * data directory written through the real exporters, profiler and benchmark suite. Every console
 * error, uncaught exception, failed request or error answer fails the test.
 */
import * as path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { startUiServer, type UiServer } from '@transcriber/ui';
import { recordSpans } from '../../../test/helpers/recordSpans';
import { makeTempDir, removeTempDirs } from '../../../test/helpers/tempDir';
import { afterAction, launchChromium, openView, screenshot, waitReady, eachTestWatchedPage } from './helpers/browser';
import { seedViewData, type SeedSummary } from './helpers/seed';

afterAll(removeTempDirs);

describe('the web view in Chromium', () => {
  const dataDir = path.join(makeTempDir('transcriber-ui-browser-'), 'data');
  let seed: SeedSummary;
  let server: UiServer;
  let browser: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    seed = await seedViewData(dataDir);
    server = await startUiServer({ dataDir, port: 0 });
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  eachTestWatchedPage(
    () => browser,
    (opened) => (page = opened),
  );

  it('turns: a stacked bar of stages per turn, percentiles, the histogram with its target band; a click opens the waterfall', async () => {
    await openView(page, server.url, '#/turns');
    expect(await page.locator('tr.turn-row').count()).toBe(80);
    // Every turn's five stages, in order.
    const stages = await page.$$eval('tr.turn-row', (rows) =>
      rows.map((r) => [...r.querySelectorAll('.seg')].map((s) => (s as HTMLElement).dataset.stage).join(',')),
    );
    expect(new Set(stages)).toEqual(new Set(['endpointing,transcription,agent,tts,playout,unexplained']));
    expect(await page.locator('.stage-table tbody tr').count()).toBe(6);
    // The unexplained rest is drawn like any stage: 80 ms of seed.agent[2]'s bar, none of [1]'s.
    const width = (traceId: string) =>
      page.$eval(
        `tr.turn-row[data-turn="${traceId}"] .seg[data-stage="unexplained"]`,
        (el) => el.getBoundingClientRect().width,
      );
    expect(await width(seed.agent[2].traceId)).toBeGreaterThan(2);
    expect(await width(seed.agent[1].traceId)).toBeLessThan(0.5);
    expect(await page.locator('svg.histogram .target-band').count()).toBe(1);
    expect(await page.locator('svg.histogram rect.bin').count()).toBeGreaterThan(5);
    expect(await page.textContent('.stats')).toContain('voice-to-voice p50');
    await screenshot(page, 'turns');

    const interrupted = seed.agent.find((t) => t.interrupted)!;
    await afterAction(page, () => page.click(`tr.turn-row[data-turn="${interrupted.traceId}"] td.bar-cell`));
    expect(page.url()).toContain(`#/trace/${interrupted.traceId}`);
    expect(await page.locator('.wf-span').count()).toBe(8);
    // The turn's marks as ticks, its stages laid over the axis, the critical path in the bars.
    const marks = await page.$$eval('.wf-mark', (ticks) => ticks.map((t) => (t as HTMLElement).dataset.mark));
    expect(marks).toEqual([
      'user_speech_end',
      'end_of_utterance',
      'final_transcript',
      'first_token',
      'first_audio_byte',
      'first_audio_played',
      'interruption',
    ]);
    expect(await page.$$eval('.wf-stage', (s) => s.map((x) => (x as HTMLElement).dataset.stage))).toEqual([
      'endpointing',
      'transcription',
      'agent',
      'tts',
      'playout',
      'unexplained',
    ]);
    expect(await page.locator('.wf-critical').count()).toBeGreaterThanOrEqual(4);
    // A span's attributes and events on click.
    await page.click('.wf-span:has-text("llm.generate")');
    const details = page.locator('.span-details');
    await details.waitFor();
    expect(await details.locator('table.attributes').textContent()).toContain('gen_ai.request.model');
    expect(await details.locator('table.events').textContent()).toContain('first_token');
    await screenshot(page, 'trace');
  });

  it('draws a failed operation in red', async () => {
    const failing = seed.agent[3];
    await openView(page, server.url, `#/trace/${failing.traceId}`);
    const failed = page.locator('.wf-span.error');
    expect(await failed.count()).toBe(1);
    expect(await failed.textContent()).toContain('stt.transcribe');
    expect(await failed.locator('.wf-bar').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(
      'rgb(214, 39, 40)',
    );
  });

  it('filters by service', async () => {
    await openView(page, server.url, '#/turns');
    const options = await page.$$eval('#service-filter option', (o) => o.map((x) => x.textContent));
    expect(options).toEqual([
      'all services but benchmark runs',
      'fast-agent',
      'transcriber-benchmark (benchmark runs)',
      'voice-agent',
    ]);
    await afterAction(page, () => page.selectOption('#service-filter', 'fast-agent'));
    expect(page.url()).toContain('service=fast-agent');
    expect(await page.locator('tr.turn-row').count()).toBe(20);
    expect(new Set(await page.$$eval('tr.turn-row td:nth-child(5)', (c) => c.map((x) => x.textContent)))).toEqual(
      new Set(['fast-agent']),
    );
  });

  it('profiles: a flame graph coloured by component, filtered by component, the instrumentation’s frames apart', async () => {
    await openView(page, server.url, '#/profiles');
    expect(await page.locator('tr.profile-row').count()).toBe(2);
    await afterAction(page, () => page.click('tr.profile-row:has-text("process") td:nth-child(2)'));
    const app = page.locator('.flame[data-flame="app"]');
    await app.waitFor();
    const framesOf = async () => Number(await app.getAttribute('data-frames'));
    const all = await framesOf();
    expect(all).toBeGreaterThan(5);
    const legend = await page.$$eval('.flame-section .legend-item', (items) =>
      items.map((i) => (i as HTMLElement).dataset.component),
    );
    for (const component of seed.profiles.processComponents.filter((c) => c !== 'pipeline'))
      expect(legend).toContain(component);
    expect(await page.locator('.flame[data-flame="instrumentation"]').count()).toBe(1);
    // Only STT's samples: fewer frames, STT's own function among them.
    await page.selectOption('.flame-filter', 'stt');
    await page.waitForFunction(
      (before) => Number(document.querySelector('.flame[data-flame="app"]')?.getAttribute('data-frames')) < before,
      all,
    );
    // Zoom into a frame and back out.
    const box = (await page.locator('.flame[data-flame="app"] canvas').boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + 9 + 18);
    await page.waitForFunction(
      () => document.querySelector('.flame[data-flame="app"]')?.getAttribute('data-focus') !== '(all)',
    );
    await page.mouse.click(box.x + box.width / 2, box.y + 9);
    await page.waitForFunction(
      () => document.querySelector('.flame[data-flame="app"]')?.getAttribute('data-focus') === '(all)',
    );
    expect(await page.locator('.hotspots tbody tr').count()).toBeGreaterThan(3);
    await screenshot(page, 'profile');
  });

  it('shows the memory profile’s top allocations and leak verdict', async () => {
    await openView(page, server.url, '#/profiles');
    await afterAction(page, () => page.click('tr.profile-row:has-text("operation") td:nth-child(2)'));
    const memory = page.locator('section.memory');
    expect(await memory.getAttribute('data-leak')).toMatch(/^(suspected|clean|insufficient_runs)$/);
    expect(await memory.textContent()).toContain('Top allocations');
  });

  it('compares two services, and two windows, with the Mann–Whitney verdict', async () => {
    await openView(page, server.url, '#/compare');
    const hourAgo = new Date(seed.now - 3_600_000);
    const later = new Date(seed.now + 120_000);
    const local = (d: Date) => {
      const pad = (n: number) => String(n).padStart(2, '0');
      return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
    };
    for (const side of ['a', 'b']) {
      await page.fill(`input[name="${side}From"]`, local(hourAgo));
      await page.fill(`input[name="${side}To"]`, local(later));
    }
    await page.selectOption('select[name="aService"]', 'voice-agent');
    await page.selectOption('select[name="bService"]', 'fast-agent');
    await afterAction(page, () => page.click('.compare-form button[type="submit"]'));
    const v2v = page.locator('section.figure[data-figure="voice_to_voice"]');
    expect(await v2v.getAttribute('data-verdict')).toBe('improvement');
    expect(await v2v.textContent()).toContain('B faster');
    expect(await page.locator('section.figure').count()).toBe(7);
    expect(await v2v.locator('svg.histogram rect.bin').count()).toBeGreaterThan(2);
    await screenshot(page, 'compare');

    // Two windows of the same agent: its first ten minutes of turns against its last ten.
    const first = seed.now - 5_000 - 60 * 20_000;
    await afterAction(page, () =>
      page.goto(
        `${server.url}#/compare?aFrom=${first}&aTo=${first + 600_000}&bFrom=${first + 600_000}&bTo=${seed.now}&aService=voice-agent&bService=voice-agent`,
      ),
    );
    const sides = await page.textContent('.sides');
    expect(sides).toMatch(/A: 30 turns/);
    expect(sides).toMatch(/B: 30 turns/);
    expect(await page.locator('section.figure[data-figure="voice_to_voice"]').getAttribute('data-verdict')).toMatch(
      /^(no-change|regression|improvement)$/,
    );
  });

  it('over time: latency, throughput, voice-to-voice and resources on one axis', async () => {
    await openView(page, server.url, '#/over-time?minutes=30');
    expect(await page.locator('.chart').count()).toBe(9);
    expect(await page.locator('.chart .uplot canvas').count()).toBe(9);
    await screenshot(page, 'over-time');
  });

  it('benchmarks: history with the regression marked; recommendations with their evidence', async () => {
    await openView(page, server.url, '#/benchmarks');
    const decode = page.locator('section.bench[data-benchmark="decode frame"]');
    expect(await decode.locator('circle.run').count()).toBe(6);
    expect(await decode.locator('circle.run.regression').count()).toBe(
      seed.benchmarks.filter((v) => v === 'regression').length,
    );
    // The pipeline benchmark's component shares.
    const shares = await page.$$eval('section.bench[data-benchmark="voice turn"] .shares-bar .seg', (segs) =>
      segs.map((s) => (s as HTMLElement).dataset.component).sort(),
    );
    expect(shares).toEqual(seed.pipeline.shares);
    await openView(page, server.url, '#/recommendations');
    const errors = page.locator('.recommendation[data-recommendation="errors:stt"]');
    expect(await errors.count()).toBe(1);
    expect(await errors.locator('table.evidence').textContent()).toContain('errorRate');
  });

  it('shows new turns as they are written, without a reload', async () => {
    await openView(page, server.url, '#/turns');
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
    const before = await page.locator('tr.turn-row').count();
    const now = Date.now();
    const [turn] = await recordSpans(
      dataDir,
      [
        {
          component: 'pipeline',
          operation: 'turn',
          startMs: now - 2000,
          durationMs: 1500,
          attributes: { 'transcriber.turn.voice_to_voice.duration': 0.61 },
        },
      ],
      'voice-agent',
    );
    const traceId = turn.spanContext().traceId;
    await page.waitForSelector(`tr.turn-row[data-turn="${traceId}"]`, { timeout: 20_000 });
    expect(await page.locator('tr.turn-row').count()).toBe(before + 1);
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
    await waitReady(page);
  });
});
