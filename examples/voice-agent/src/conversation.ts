import type { Frame } from './audio/frame';
import type { Speaker } from './audio/speaker';
import type { Assistant } from './agent/assistant';
import { readAhead } from './agent/readAhead';
import type { Recognizer } from './stt/recognizer';
import type { Voice } from './tts/voice';
import type { Listener, SpeechStart, Utterance } from './vad/listener';

export interface ConversationParts {
  listener: Listener;
  recognizer: Recognizer;
  assistant: Assistant;
  voice: Voice;
  speaker: Speaker;
  /** Where the transcript of the conversation goes. */
  log: (line: string) => void;
  /**
   * Listen while answering, so speaking over the agent interrupts it (default). Off when a
   * recording is processed faster than real time: listening would run ahead of the answer.
   */
  bargeIn?: boolean;
}

/**
 * The conversation loop: wait for the user to speak, then take a turn — listen to the end of the
 * utterance, transcribe it, let the assistant answer and speak the answer — while listening on, so
 * the user can interrupt the agent by speaking over it.
 */
export class Conversation {
  turns = 0;

  constructor(private readonly parts: ConversationParts) {}

  /** Runs until the microphone's input ends and the last answer has been spoken. */
  async run(frames: AsyncIterator<Frame>): Promise<void> {
    let speech = await this.parts.listener.waitForSpeech(frames);
    while (speech !== undefined) {
      const { next } = await this.turn(speech, frames);
      speech = await next;
    }
  }

  /**
   * One exchange, from the user starting to speak until the agent has finished answering (or was
   * interrupted). Returns the user's next speech, which listening during the answer is waiting for.
   */
  async turn(speech: SpeechStart, frames: AsyncIterator<Frame>): Promise<{ next: Promise<SpeechStart | undefined> }> {
    this.turns++;
    const utterance = await this.parts.listener.listen(speech, frames);
    const answering = new AbortController();
    if (this.parts.bargeIn === false) {
      await this.answer(utterance, answering.signal);
      return { next: this.parts.listener.waitForSpeech(frames) };
    }
    let answered = false;
    const next = this.parts.listener.waitForSpeech(frames);
    next.then(
      (bargeIn) => {
        if (bargeIn !== undefined && !answered) this.interrupt(answering);
      },
      () => undefined, // the caller sees the failure when it awaits `next`
    );
    try {
      await this.answer(utterance, answering.signal);
    } finally {
      answered = true;
    }
    return { next };
  }

  /** The user spoke over the agent: stop talking and listen. */
  interrupt(answering: AbortController): void {
    answering.abort();
  }

  private async answer(utterance: Utterance, signal: AbortSignal): Promise<void> {
    const { recognizer, assistant, voice, speaker, log } = this.parts;
    const heard = await recognizer.transcribe(utterance);
    log(`you:   ${heard || '(nothing recognised)'}`);
    if (heard === '') return;
    const said: string[] = [];
    const answer = collect(readAhead(assistant.reply(heard)), said);
    const playback = await speaker.play(voice.speak(answer), signal);
    log(`agent: ${said.join(' ')}${playback.interrupted ? ' [interrupted]' : ''}`);
  }
}

/** Passes `sentences` through, keeping a copy for the transcript. */
async function* collect(sentences: AsyncIterable<string>, into: string[]): AsyncGenerator<string> {
  for await (const sentence of sentences) {
    into.push(sentence);
    yield sentence;
  }
}
