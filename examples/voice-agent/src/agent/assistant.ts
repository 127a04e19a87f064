import type { Responder } from './responder';

/**
 * The agent: turns what the user said into what to say back, sentence by sentence, so speech can
 * start while the rest of the answer is still being produced.
 */
export class Assistant {
  constructor(private readonly responder: Responder) {}

  async *reply(text: string): AsyncGenerator<string> {
    let pending = '';
    for await (const piece of this.responder.respond(text)) {
      pending += piece;
      // A sentence ends at . ! or ? followed by a space (not inside "3.5").
      for (let end = sentenceEnd(pending); end > 0; end = sentenceEnd(pending)) {
        yield pending.slice(0, end).trim();
        pending = pending.slice(end);
      }
    }
    if (pending.trim() !== '') yield pending.trim();
  }
}

function sentenceEnd(text: string): number {
  const match = /[.!?](\s+)/.exec(text);
  return match === null ? 0 : match.index + 1 + match[1].length;
}
