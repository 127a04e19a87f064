import OpenAI from 'openai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { Microphone } from './audio/microphone';
import { Speaker } from './audio/speaker';
import { Assistant } from './agent/assistant';
import { ChatResponder } from './agent/chatResponder';
import { IntentResponder } from './agent/intentResponder';
import type { Responder } from './agent/responder';
import { Conversation } from './conversation';
import { DEFAULT_GRAMMAR, Recognizer } from './stt/recognizer';
import { Lights } from './tools/lights';
import { Voice } from './tts/voice';
import { DEFAULT_LISTENER_OPTIONS, Listener } from './vad/listener';
import { VoiceActivityDetector, type VadMode } from './vad/voiceActivityDetector';

const USAGE = `usage: voice-agent --input <file.wav | -> [options]

An offline voice agent: WebRTC VAD, pocketsphinx, an LLM or a local intent matcher, espeak-ng.
The input is played as if it were a microphone (16-bit mono 16 kHz WAV, real time); the agent's
voice is written, in real time and lined up with the input, to the output WAV.

  --input <file>       WAV to listen to, or - for stdin
  --output <file>      WAV the agent speaks into (default: out/agent-output.wav)
  --lights <file>      JSON file keeping the lights' state (default: out/lights.json)
  --hangover-ms <ms>   silence that ends an utterance (default: ${DEFAULT_LISTENER_OPTIONS.hangoverMs})
  --vad-mode <0-3>     WebRTC VAD aggressiveness (default: 2)
  --no-grammar         recognise free English instead of the commands in grammar/commands.gram
  --fast               process the input as fast as it can be read instead of in real time
  --model <name>       chat model (default: $VOICE_AGENT_MODEL, else gpt-4o-mini)

With OPENAI_BASE_URL or OPENAI_API_KEY set, answers come from that OpenAI-compatible API
(streaming, with the lights as tools); otherwise from a local intent matcher.`;

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      input: { type: 'string' },
      // What it writes goes to out/ (ignored by git), not among the sources it runs from.
      output: { type: 'string', default: path.join('out', 'agent-output.wav') },
      lights: { type: 'string', default: path.join('out', 'lights.json') },
      'hangover-ms': { type: 'string', default: String(DEFAULT_LISTENER_OPTIONS.hangoverMs) },
      'vad-mode': { type: 'string', default: '2' },
      'no-grammar': { type: 'boolean', default: false },
      fast: { type: 'boolean', default: false },
      model: { type: 'string', default: process.env.VOICE_AGENT_MODEL ?? 'gpt-4o-mini' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (values.input === undefined) throw new UsageError('--input is required');
  const hangoverMs = Number(values['hangover-ms']);
  if (!Number.isFinite(hangoverMs) || hangoverMs < 20) throw new UsageError('--hangover-ms must be a number ≥ 20');
  const vadMode = Number(values['vad-mode']);
  if (![0, 1, 2, 3].includes(vadMode)) throw new UsageError('--vad-mode must be 0, 1, 2 or 3');

  for (const file of [values.output, values.lights])
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const realTime = !values.fast;
  const microphone = await Microphone.open(values.input, { realTime });
  const vad = await VoiceActivityDetector.create(microphone.sampleRate, vadMode as VadMode);
  const recognizer = new Recognizer({ grammar: values['no-grammar'] ? undefined : DEFAULT_GRAMMAR });
  const lights = new Lights(path.resolve(values.lights));
  const voice = new Voice();
  const speaker = new Speaker(path.resolve(values.output), voice.sampleRate, { realTime });
  const conversation = new Conversation({
    listener: new Listener(vad, { ...DEFAULT_LISTENER_OPTIONS, hangoverMs }),
    recognizer,
    assistant: new Assistant(responderFor(values.model, lights)),
    voice,
    speaker,
    log: (line) => console.log(line),
    bargeIn: realTime,
  });
  try {
    await conversation.run(microphone.frames());
  } finally {
    speaker.close();
    recognizer.close();
    vad.close();
  }
  console.log(`${conversation.turns} turn(s); the agent's voice is in ${values.output}`);
}

function responderFor(model: string, lights: Lights): Responder {
  if (process.env.OPENAI_BASE_URL === undefined && process.env.OPENAI_API_KEY === undefined) {
    return new IntentResponder(lights);
  }
  // A local OpenAI-compatible server may need no key; the SDK insists on one.
  return new ChatResponder(new OpenAI({ apiKey: process.env.OPENAI_API_KEY ?? 'none' }), model, lights);
}

class UsageError extends Error {}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(`voice-agent: ${err instanceof Error ? err.message : String(err)}`);
  if (err instanceof UsageError) console.error(USAGE);
  process.exitCode = err instanceof UsageError ? 2 : 1;
});
