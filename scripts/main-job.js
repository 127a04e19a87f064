#!/usr/bin/env node
'use strict';
// The README's main job (`npm start`): the example voice agent (examples/voice-agent: WebRTC VAD,
// pocketsphinx, a local intent matcher, espeak-ng), under the preload with no code change, listens in
// real time to a short conversation synthesised here with espeak-ng and sox; then `transcriber turns`
// and `transcriber performance` show what it recorded. Data dir: TRANSCRIBER_PERF_DATA_DIR, else
// ./data of the repository (what `npx transcriber …` reads there afterwards). The agent's voice and
// the conversation go to a new directory in the system's temp dir, printed at the end.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { synthesizeConversation } = require('./synthesizeConversation');

const ROOT = path.resolve(__dirname, '..');
const AGENT_DIR = path.join(ROOT, 'examples', 'voice-agent');
const AGENT = path.join(AGENT_DIR, 'dist', 'main.js');
const CLI = path.join(ROOT, 'packages', 'cli', 'dist', 'bin.js');
const TOOLS = ['espeak-ng', 'sox', 'soxi', 'pocketsphinx_continuous'];

// Three requests; the third spoken over the agent's long answer to the second (a barge-in). ~20 s.
const CONVERSATION = [
  { silence: 1 },
  { say: 'turn on the kitchen lights' },
  { silence: 4.5 },
  { say: 'what can you do' },
  { silence: 3.5 },
  { say: 'what time is it' },
  { silence: 4 },
];

class MainJobError extends Error {}

function main() {
  for (const tool of TOOLS) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
      throw new MainJobError(`${tool} is not installed: run npm run setup (scripts/install-system-deps.sh)`);
    }
  }
  for (const built of [AGENT, CLI]) {
    if (!fs.existsSync(built)) throw new MainJobError(`${path.relative(ROOT, built)} is missing: run npm run build`);
  }
  const dataDir = path.resolve(process.env.TRANSCRIBER_PERF_DATA_DIR || path.join(ROOT, 'data'));
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'transcriber-main-job-'));
  const conversation = path.join(workDir, 'conversation.wav');
  const voice = path.join(workDir, 'agent-output.wav');
  synthesizeConversation(conversation, CONVERSATION);

  section(
    `The example voice agent listens to ${path.relative(process.cwd(), conversation) || conversation} (real time, ~20 s)`,
  );
  const startedMs = Date.now();
  run(
    process.execPath,
    [
      '--require',
      '@transcriber/node/register',
      AGENT,
      '--input',
      conversation,
      '--output',
      voice,
      '--lights',
      path.join(workDir, 'lights.json'),
    ],
    { cwd: AGENT_DIR, env: { ...process.env, TRANSCRIBER_PERF_DATA_DIR: dataDir } },
    'the voice agent',
  );
  // What it just recorded: the minutes since it started (views take fractions of a minute).
  const minutes = String(Math.ceil((Date.now() - startedMs) / 6000) / 10 + 0.1);
  for (const view of ['turns', 'performance']) {
    section(`transcriber ${view} --minutes ${minutes}`);
    run(
      process.execPath,
      [CLI, '--data-dir', dataDir, view, '--minutes', minutes],
      { cwd: ROOT },
      `transcriber ${view}`,
    );
  }
  section('Next');
  console.log(`the agent's voice:   ${voice}`);
  console.log(`what it recorded:    ${dataDir}`);
  console.log(
    `look further:        npx transcriber --data-dir ${path.relative(process.cwd(), dataDir) || '.'} traces --limit 10`,
  );
}

function section(title) {
  console.log(`\n── ${title}\n`);
}

function run(command, args, options, what) {
  const result = spawnSync(command, args, { ...options, stdio: 'inherit' });
  if (result.error) throw new MainJobError(`${what} could not start: ${result.error.message}`);
  if (result.status !== 0) throw new MainJobError(`${what} failed (exit ${result.status ?? result.signal})`);
}

try {
  main();
} catch (err) {
  console.error(`npm start: ${err instanceof MainJobError ? err.message : (err.stack ?? err)}`);
  process.exitCode = 1;
}
