'use strict';
// The example's pipeline benchmark, for `transcriber benchmark --component pipeline` run in
// examples/voice-agent (after `npm run build`): every iteration is one conversation turn on an
// utterance synthesised by espeak-ng, processed as fast as the agent can (not in real time), with
// the agent's modules instrumented by transcriber.config.json's `instrument` map, so the result
// shows each component's share of a turn (VAD, STT, agent and tool, TTS, audio output).
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const DIST = path.join(__dirname, '..', 'dist');
if (!fs.existsSync(path.join(DIST, 'main.js'))) throw new Error('the example is not built: run `npm run build` first');
const { Microphone } = require('../dist/audio/microphone');
const { Speaker } = require('../dist/audio/speaker');
const { Assistant } = require('../dist/agent/assistant');
const { IntentResponder } = require('../dist/agent/intentResponder');
const { Conversation } = require('../dist/conversation');
const { DEFAULT_GRAMMAR, Recognizer } = require('../dist/stt/recognizer');
const { Lights } = require('../dist/tools/lights');
const { Voice } = require('../dist/tts/voice');
const { Listener, DEFAULT_LISTENER_OPTIONS } = require('../dist/vad/listener');
const { VoiceActivityDetector } = require('../dist/vad/voiceActivityDetector');

const UTTERANCE = 'turn on the kitchen lights';
let workDir;
let input;
let agent;

module.exports = {
  component: 'pipeline',

  async setup() {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'voice-agent-bench-'));
    // A recording: a little silence, the utterance (16 kHz mono, as a microphone gives it), silence.
    const spoken = path.join(workDir, 'spoken.wav');
    execFileSync('espeak-ng', ['-w', spoken, UTTERANCE]);
    input = path.join(workDir, 'input.wav');
    execFileSync('sox', [spoken, '-r', '16000', '-c', '1', '-b', '16', input, 'pad', '0.3', '1']);
    const voice = new Voice();
    const vad = await VoiceActivityDetector.create(16000, 2);
    const recognizer = new Recognizer({ grammar: DEFAULT_GRAMMAR });
    agent = {
      vad,
      recognizer,
      voice,
      listener: new Listener(vad, DEFAULT_LISTENER_OPTIONS),
      assistant: new Assistant(new IntentResponder(new Lights(path.join(workDir, 'lights.json')))),
    };
  },

  teardown() {
    agent?.recognizer.close();
    agent?.vad.close();
    if (workDir !== undefined) fs.rmSync(workDir, { recursive: true, force: true });
  },

  benchmarks: {
    'conversation turn': {
      iterations: 10,
      warmupIterations: 1,
      async fn() {
        const microphone = await Microphone.open(input, { realTime: false });
        const speaker = new Speaker(path.join(workDir, 'agent.wav'), agent.voice.sampleRate, { realTime: false });
        const heard = [];
        const conversation = new Conversation({ ...agent, speaker, bargeIn: false, log: (line) => heard.push(line) });
        try {
          await conversation.run(microphone.frames());
        } finally {
          speaker.close();
        }
        if (heard[0] !== `you:   ${UTTERANCE}`) throw new Error(`misheard: ${heard[0]}`);
      },
    },
  },
};
