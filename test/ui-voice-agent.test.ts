/**
 * The web view on the example voice agent's own data: the agent (WebRTC VAD, pocketsphinx,
 * espeak-ng) answers two requests under `transcriber profile -- node …` (the preload, and a
 * whole-process CPU profile of the run), then every page of the view is opened in Chromium: its
 * turns with their stages, a turn's waterfall with its marks, the profile's flame graph with the
 * agent's components, compare, over time, recommendations. Console errors and failed requests fail it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { startUiServer, type UiServer } from '@transcriber/ui';
import {
  afterAction,
  launchChromium,
  openView,
  screenshot,
  eachTestWatchedPage,
} from '../packages/ui/test/helpers/browser';
import { speechInput } from './helpers/speechInput';
import { makeTempDir, removeTempDirs } from './helpers/tempDir';
import { BIN } from './helpers/cli';
import { requireAgentTools, runAgent, type AgentRun } from './helpers/voiceAgent';

afterAll(removeTempDirs);

describe('the web view on the example voice agent’s data', () => {
  let run: AgentRun;
  let server: UiServer;
  let browser: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    requireAgentTools();
    const dir = makeTempDir('transcriber-ui-agent-');
    speechInput(path.join(dir, 'input.wav'), [
      { silence: 1 },
      { say: 'turn on the kitchen lights' },
      { silence: 4.5 },
      { say: 'what time is it' },
      { silence: 4 },
    ]);
    run = await runAgent(dir, {
      hangoverMs: 400,
      launcher: [
        process.execPath,
        BIN,
        '--data-dir',
        path.join(dir, 'data'),
        'profile',
        '--duration',
        '40',
        '--',
        'node',
      ],
    });
    if (run.code !== 0) throw new Error(`the agent failed (${run.code}): ${run.stderr}`);
    server = await startUiServer({ dataDir: run.dataDir, port: 0 });
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

  const turnSpans = () => run.spans.filter((s) => s.component === 'pipeline' && s.operation === 'turn');

  it('lists the agent’s turns with their stages; a click opens the turn’s waterfall with its marks', async () => {
    expect(turnSpans()).toHaveLength(2);
    await openView(page, server.url, '#/turns');
    const rows = page.locator('tr.turn-row');
    expect(await rows.count()).toBe(2);
    for (const segments of await rows.evaluateAll((r) => r.map((row) => row.querySelectorAll('.seg').length))) {
      // The five measured stages and the unexplained rest.
      expect(segments).toBe(6);
    }
    expect(await page.locator('svg.histogram .target-band').count()).toBe(1);
    await screenshot(page, 'agent-turns');

    // The first turn (the list is newest first).
    const traceId = await rows.last().getAttribute('data-turn');
    await afterAction(page, () => page.click(`tr.turn-row[data-turn="${traceId}"] td.bar-cell`));
    expect(page.url()).toContain(`#/trace/${traceId}`);
    const marks = await page.$$eval('.wf-mark', (ticks) => ticks.map((t) => (t as HTMLElement).dataset.mark));
    for (const mark of [
      'user_speech_end',
      'end_of_utterance',
      'final_transcript',
      'first_token',
      'first_audio_byte',
      'first_audio_played',
    ]) {
      expect(marks).toContain(mark);
    }
    expect(await page.locator('.wf-stage').count()).toBe(6);
    // The agent's own operations (its modules mapped by transcriber.config.json) in the waterfall.
    const names = await page.$$eval('.wf-span .wf-label', (labels) => labels.map((l) => l.textContent));
    expect(names).toContain('stt.transcribe');
    expect(names.some((n) => n?.startsWith('tts.'))).toBe(true);
    expect(await page.locator('.covering [data-profile]').count()).toBe(1);
    await screenshot(page, 'agent-trace');
  });

  it('draws the run’s CPU profile as a flame graph with the agent’s components', async () => {
    await openView(page, server.url, '#/profiles');
    expect(await page.locator('tr.profile-row').count()).toBe(1);
    await afterAction(page, () => page.click('tr.profile-row td:nth-child(2)'));
    const app = page.locator('.flame[data-flame="app"]');
    await app.waitFor();
    expect(Number(await app.getAttribute('data-frames'))).toBeGreaterThan(10);
    const legend = await page.$$eval('.flame-section .legend-item', (items) =>
      items.map((i) => (i as HTMLElement).dataset.component),
    );
    expect(legend).toContain('stt');
    expect(legend).toContain('vad');
    expect(fs.readdirSync(path.join(run.dataDir, 'profiles')).some((f) => f.endsWith('.attribution.json'))).toBe(true);
  });

  it('opens every other page on the same data', async () => {
    for (const hash of ['#/traces', '#/over-time', '#/compare', '#/benchmarks', '#/recommendations']) {
      await openView(page, server.url, hash);
    }
    await openView(page, server.url, '#/over-time');
    expect(await page.locator('.chart .uplot canvas').count()).toBe(9);
  });
});
