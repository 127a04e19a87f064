import type { llm } from '@livekit/agents';

// Words a sentence does not end on: after them the user is still talking.
const UNFINISHED = new Set(['and', 'but', 'so', 'or', 'because', 'the', 'a', 'an', 'to', 'um', 'uh', 'with']);

/**
 * A text end-of-turn detector of the kind LiveKit's turn-detector plugins are (the same interface):
 * given the conversation so far, how likely is it that the user has finished? Here a rule instead
 * of a model: a last word a sentence does not end on means they go on, so LiveKit waits its
 * longest endpointing delay; otherwise its shortest.
 */
export class TextTurnDetector {
  readonly model = 'last-word-rule';
  readonly provider = 'example';

  async unlikelyThreshold(): Promise<number> {
    return 0.15;
  }

  async supportsLanguage(): Promise<boolean> {
    return true;
  }

  async predictEndOfTurn(chatCtx: llm.ChatContext): Promise<number> {
    const lastUser = [...chatCtx.items].reverse().find((item) => item.type === 'message' && item.role === 'user');
    const text = lastUser?.type === 'message' ? (lastUser.textContent ?? '') : '';
    const lastWord = text.trim().toLowerCase().split(/\s+/).pop() ?? '';
    return UNFINISHED.has(lastWord) ? 0.05 : 0.9;
  }
}
