import { llm, voice } from '@livekit/agents';
import { z } from 'zod';

/** One thing the user says, and how the model answers it. */
export interface Line {
  /** Silence before the user speaks, ms (from the end of their previous line). */
  pauseMs: number;
  user: string;
  /** The model's answer: text, or a tool call whose result it then answers. */
  answer: string | { tool: 'lights'; args: { room: string; on: boolean }; then: string };
  /** The model's time to first token and total time, ms. */
  ttftMs: number;
  durationMs: number;
}

/**
 * The conversation: a tool call, a long answer the user talks over (a barge-in), the question the
 * user interrupted with, and a short close.
 */
export const SCRIPT: readonly Line[] = [
  {
    pauseMs: 800,
    user: 'turn on the kitchen lights',
    answer: { tool: 'lights', args: { room: 'kitchen', on: true }, then: 'Done, the kitchen lights are on.' },
    ttftMs: 250,
    durationMs: 300,
  },
  {
    pauseMs: 4500,
    user: 'what can you do',
    answer:
      'I can switch the lights in any room of the house, dim them for the evening, tell you the time, and read you the weather forecast for today and tomorrow.',
    ttftMs: 300,
    durationMs: 700,
  },
  { pauseMs: 2800, user: 'stop, what time is it', answer: 'It is a quarter past ten.', ttftMs: 250, durationMs: 300 },
  { pauseMs: 4000, user: 'thank you', answer: 'You are welcome.', ttftMs: 200, durationMs: 250 },
];

/** What the lights tool answers (the model is told this, JSON-encoded, as the tool's output). */
export function lightsResult(args: { room: string; on: boolean }): string {
  return `The ${args.room} lights are ${args.on ? 'on' : 'off'} now.`;
}

/** The scripted model: LiveKit's own test LLM, answering each line as the script says. */
export function scriptedModel(lines: readonly Line[]): voice.testing.FakeLLM {
  const responses: voice.testing.FakeLLMResponse[] = [];
  for (const line of lines) {
    const { ttftMs: ttft, durationMs: duration } = line;
    if (typeof line.answer === 'string') {
      responses.push({ input: line.user, content: line.answer, ttft, duration });
    } else {
      const { tool, args, then } = line.answer;
      responses.push({ input: line.user, toolCalls: [{ name: tool, args }], ttft, duration });
      // LiveKit gives the model the tool's output JSON-encoded.
      responses.push({ input: JSON.stringify(lightsResult(args)), content: then, ttft, duration });
    }
  }
  return new voice.testing.FakeLLM(responses);
}

/** The agent: its instructions and its one tool. */
export function lightsAgent(): voice.Agent {
  return new voice.Agent({
    instructions: 'You are a voice assistant for a smart home. Answer briefly.',
    tools: {
      lights: llm.tool({
        description: 'Switch the lights of a room on or off',
        parameters: z.object({ room: z.string(), on: z.boolean() }),
        execute: async (args) => lightsResult(args),
      }),
    },
  });
}
