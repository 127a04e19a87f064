import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openForQuery, recentTurns, summarizeComponents } from '@transcriber/queries';
import { cleanEnv } from './helpers/cleanEnv';
import { makeTempDir, removeTempDirs } from './helpers/tempDir';

// The README's main job (`npm start`: the build, then scripts/main-job.js): the example voice agent,
// under the preload with no code change, listens in real time to a conversation the job synthesizes
// (espeak-ng, sox), then `transcriber turns` and `transcriber performance` show what it recorded.
// It is what a new user's first command shows: real measurements of a real agent.
const ROOT = path.resolve(__dirname, '..');
const STAGES = ['endpointing', 'transcription', 'agent', 'tts', 'playout'];

afterAll(removeTempDirs);

describe('main job', () => {
  const dataDir = path.join(makeTempDir('transcriber-main-job-test-'), 'data');
  const run = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'main-job.js')], {
    cwd: ROOT,
    encoding: 'utf8',
    env: cleanEnv({ TRANSCRIBER_PERF_DATA_DIR: dataDir }),
    timeout: 120_000,
  });
  const voice = /^the agent's voice: +(\S+)$/m.exec(run.stdout)?.[1];
  afterAll(() => {
    if (voice !== undefined) fs.rmSync(path.dirname(voice), { recursive: true, force: true });
  });

  it('is what npm start runs, after the build', () => {
    const scripts = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts;
    expect(scripts.start).toBe('npm run build && node scripts/main-job.js');
  });

  it('runs the real agent to completion on the conversation it synthesized', () => {
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    // Each request heard and answered. Which answers the user cut short depends on how fast the
    // machine recognizes and speaks (the conversation is paced in real time): not checked here.
    expect(run.stdout).toContain('you:   turn on the kitchen lights\nagent: Okay, the kitchen lights are on.');
    expect(run.stdout).toMatch(/you: {3}what can you do\nagent: I can switch the lights /);
    expect(run.stdout).toMatch(/you: {3}what time is it\nagent: It is \d{1,2}:\d\d [AP]M\./);
    // Its voice, written in real time: as long as what it heard, give or take its last answer.
    expect(fs.statSync(voice!).size).toBeGreaterThan(16_000 * 2 * 15);
  });

  it('recorded each turn with every stage, and every component of the agent, in SQLite', () => {
    const db = openForQuery(dataDir, 'performance_metrics');
    try {
      const turns = recentTurns(db, { sinceUs: 0, limit: 10 });
      expect(turns).toHaveLength(3);
      for (const turn of turns) {
        expect(turn.complete).toBe(true);
        expect(turn.stages.map((s) => s.stage)).toEqual(expect.arrayContaining(STAGES));
      }
      // The third request is spoken over the second answer.
      expect(turns.reduce((n, t) => n + t.interruptions, 0)).toBeGreaterThanOrEqual(1);
      const components = summarizeComponents(db, { sinceUs: 0 }).map((c) => c.component);
      expect(components.sort()).toEqual(['agent', 'audio_output', 'pipeline', 'stt', 'tool', 'tts', 'vad']);
    } finally {
      db.close();
    }
  });

  it('shows the turns and performance views of what it just recorded, as the database has them', () => {
    const db = openForQuery(dataDir, 'performance_metrics');
    const turns = recentTurns(db, { sinceUs: 0, limit: 10 });
    const components = summarizeComponents(db, { sinceUs: 0 });
    db.close();
    const interruptions = turns.reduce((n, t) => n + t.interruptions, 0);
    const turnsView = run.stdout.slice(
      run.stdout.indexOf('── transcriber turns'),
      run.stdout.indexOf('── transcriber performance'),
    );
    // One line per turn, newest first, with its voice-to-voice latency as recorded.
    const listed = [...turnsView.matchAll(/^\d\d:\d\d:\d\d\.\d{3} +[0-9a-f]{8} +(\d+) ms /gm)].map((m) => Number(m[1]));
    expect(listed).toEqual(turns.map((t) => Math.round(t.voiceToVoiceMs!)));
    const performanceView = run.stdout.slice(run.stdout.indexOf('── transcriber performance'));
    for (const c of components) {
      const line = performanceView.split('\n').find((l) => l.startsWith(`${c.component} `));
      expect(line?.split(/\s+/).slice(0, 3)).toEqual([c.component, String(c.count), String(c.errors)]);
    }
    expect(performanceView).toContain(
      `Voice turns: 3 (3 complete, ${interruptions} interruption${interruptions === 1 ? '' : 's'})`,
    );
    expect(performanceView).toMatch(/\nvoice-to-voice {2}p50 \d+ ms/);
  });
});
