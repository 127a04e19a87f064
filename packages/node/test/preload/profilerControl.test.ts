/**
 * The preload serves the profiler's control channel, so `transcriber profile --pid <pid>` can
 * profile a preloaded app: here a real profile of a running app, asked for over the channel.
 */
import { pingProcess, requestProcessProfile } from '@transcriber/profiler';
import { cleanEnv } from '../../../../test/helpers/cleanEnv';
import { runNode, startNode, tempProject } from '../../../../test/helpers/preloadedProcess';
import { removeTempDirs } from '../../../../test/helpers/tempDir';

afterAll(removeTempDirs);

const FILES = {
  'transcriber.config.json': JSON.stringify({
    instrument: [{ module: './stt.js', export: 'transcribe', component: 'stt' }],
  }),
  'stt.js': `
    exports.transcribe = function transcribe(ms) {
      const until = performance.now() + ms;
      let x = 0;
      while (performance.now() < until) x += Math.sqrt(x + 1);
      return x;
    };`,
  'app.js': `
    const { transcribe } = require('./stt.js');
    setInterval(() => transcribe(15), 20);
    console.log('ready');`,
};

it('answers on the control channel and profiles the running app per component', async () => {
  const project = tempProject(FILES);
  const app = startNode(['--require', '@transcriber/node/register', 'app.js'], {
    cwd: project.dir,
    env: cleanEnv({ TRANSCRIBER_PERF_DATA_DIR: project.dataDir }),
  });
  try {
    await app.waitForLine(/^ready$/);
    // The channel opens just after start-up, off the app's start path: wait for it.
    for (let attempt = 0; ; attempt++) {
      try {
        await pingProcess(app.pid);
        break;
      } catch (err) {
        if (attempt > 150) throw err;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    const results = await requestProcessProfile(app.pid, { durationMs: 600, memory: false });
    // The app spends ~3/4 of its time in transcribe (the mapped stt operation).
    const stt = results.components.find((c) => c.component === 'stt');
    expect(stt?.share).toBeGreaterThan(0.3);
    expect(stt?.operations.map((o) => o.operation)).toEqual(['transcribe']);
  } finally {
    app.kill('SIGTERM');
    const result = await app.exited;
    expect(result).toMatchObject({ signal: 'SIGTERM', stderr: '' });
  }
});

it('a malformed start-up profile request is one warning; the app runs as ever and does not pass it on', async () => {
  const project = tempProject({
    'app.js': `console.log('inherited: ' + (process.env.TRANSCRIBER_PROFILE_ON_START ?? 'nothing'));`,
  });
  const result = await runNode(['--require', '@transcriber/node/register', 'app.js'], {
    cwd: project.dir,
    env: cleanEnv({ TRANSCRIBER_PERF_DATA_DIR: project.dataDir, TRANSCRIBER_PROFILE_ON_START: '{"durationMs":' }),
  });
  expect(result).toMatchObject({ code: 0, stdout: 'inherited: nothing\n' });
  expect(result.stderr).toBe('transcriber: no start-up profile: TRANSCRIBER_PROFILE_ON_START is not valid JSON\n');
});
