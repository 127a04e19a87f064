import { initializeLogger, stt, voice } from '@livekit/agents';
import { dispose } from '@livekit/rtc-node';
import { parseArgs } from 'node:util';
import { ESPEAK_SAMPLE_RATE } from './espeak.js';
import { EspeakTTS } from './espeakTts.js';
import { Microphone } from './microphone.js';
import { lightsAgent, SCRIPT, scriptedModel, type Line } from './script.js';
import { Speaker } from './speaker.js';
import { TextTurnDetector } from './turnDetector.js';
import { MICROPHONE_SAMPLE_RATE, recordUser } from './userSpeech.js';
import { WebRtcVAD } from './webRtcVad.js';

const HELP = `A LiveKit Agents voice agent that runs offline, with no LiveKit server.

Usage: node dist/main.js [--repeat N] [--output FILE.wav] [--quiet]

The user's side is spoken by espeak-ng into the agent's microphone in real time: a tool call, a
long answer the user interrupts, a question, a thank-you. The agent hears it through WebRTC VAD,
LiveKit's test STT (which knows the script) and a rule-based end-of-turn detector, answers with
LiveKit's test LLM (scripted, with a lights tool) and speaks with espeak-ng into a loudspeaker that
plays in real time.

  --repeat N         say the script N times (default 1)
  --output FILE.wav  write what the agent said
  --quiet            print nothing but errors`;

const { values } = parseArgs({
  options: {
    repeat: { type: 'string', default: '1' },
    output: { type: 'string' },
    quiet: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(HELP);
  process.exit(0);
}
const repeat = Number(values.repeat);
if (!Number.isInteger(repeat) || repeat < 1) {
  console.error(`--repeat: expected a whole number ≥ 1, got ${values.repeat}`);
  process.exit(2);
}
const say = values.quiet ? () => undefined : (line: string) => console.log(line);

initializeLogger({ pretty: false, level: 'warn' });

const lines: Line[] = Array.from({ length: repeat }, () => SCRIPT).flat();
const recording = await recordUser(lines, 6000, 150);
const session = new voice.AgentSession({
  stt: new stt.testing.FakeSTT({ fakeUserSpeeches: recording.speeches }),
  vad: await WebRtcVAD.load(),
  llm: scriptedModel(lines),
  tts: new EspeakTTS(),
  turnHandling: {
    turnDetection: new TextTurnDetector(),
    endpointing: { minDelay: 300, maxDelay: 2000 },
    // A loudspeaker cannot pause: an interruption stops the answer (no false-interruption resume).
    interruption: { mode: 'vad', resumeFalseInterruption: false },
  },
});
const microphone = new Microphone(recording.samples, MICROPHONE_SAMPLE_RATE);
const speaker = new Speaker(ESPEAK_SAMPLE_RATE, values.output);
session.input.audio = microphone;
session.output.audio = speaker;
session.on(voice.AgentSessionEventTypes.ConversationItemAdded, ({ item }) => {
  if (item.type === 'message' && item.role !== 'system') {
    say(
      `${item.role === 'user' ? 'user ' : 'agent'}: ${item.textContent ?? ''}${item.interrupted ? ' [interrupted]' : ''}`,
    );
  }
});

const started = Date.now();
await session.start({ agent: lightsAgent() });
await microphone.play();
await agentDone(session, 15_000);
await session.close();
microphone.stop();
speaker.close();
// LiveKit's native media library (the resampler used it) keeps the process alive until disposed.
await dispose();
say(`${lines.length} exchanges in ${((Date.now() - started) / 1000).toFixed(1)} s`);

/** Waits until the agent is listening again (its last answer played out), at most `timeoutMs`. */
async function agentDone(agentSession: voice.AgentSession, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && agentSession.agentState !== 'listening') {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
