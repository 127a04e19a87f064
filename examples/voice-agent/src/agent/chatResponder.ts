import type OpenAI from 'openai';
import type {
  ChatCompletionMessageFunctionToolCall,
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from 'openai/resources/chat/completions';
import { isRoom, ROOMS, type Lights } from '../tools/lights';
import type { Responder } from './responder';

const SYSTEM_PROMPT =
  'You are a voice assistant in a smart home. Your answers are spoken aloud: one or two short ' +
  'sentences, no lists, no markdown. Use the tools to switch lights or to find out whether they are on.';

const TOOLS: ChatCompletionTool[] = [
  {
    type: 'function',
    function: {
      name: 'switch_lights',
      description: 'Switch the lights of a room on or off.',
      parameters: {
        type: 'object',
        properties: { room: { type: 'string', enum: [...ROOMS] }, on: { type: 'boolean' } },
        required: ['room', 'on'],
      },
    },
  },
  {
    type: 'function',
    function: {
      name: 'lights_status',
      description: 'Which rooms have their lights on.',
      parameters: { type: 'object', properties: {} },
    },
  },
];

// Tool calls per answer before the agent gives up on the model.
const MAX_ROUNDS = 4;
// Past exchanges kept as context (user + assistant messages).
const HISTORY_MESSAGES = 12;

/** Answers with a chat model over any OpenAI-compatible API, streaming, with the lights as tools. */
export class ChatResponder implements Responder {
  private history: ChatCompletionMessageParam[] = [];

  constructor(
    private readonly client: OpenAI,
    private readonly model: string,
    private readonly lights: Lights,
  ) {}

  async *respond(text: string): AsyncGenerator<string> {
    const messages: ChatCompletionMessageParam[] = [
      { role: 'system', content: `${SYSTEM_PROMPT} The time is ${new Date().toISOString()}.` },
      ...this.history,
      { role: 'user', content: text },
    ];
    let answer = '';
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const stream = await this.client.chat.completions.create({
        model: this.model,
        messages,
        tools: TOOLS,
        stream: true,
        stream_options: { include_usage: true },
      });
      const calls: ChatCompletionMessageFunctionToolCall[] = [];
      for await (const chunk of stream) {
        const delta = chunk.choices[0]?.delta;
        if (delta?.content) {
          answer += delta.content;
          yield delta.content;
        }
        for (const part of delta?.tool_calls ?? []) {
          const call = (calls[part.index] ??= { id: '', type: 'function', function: { name: '', arguments: '' } });
          if (part.id) call.id = part.id;
          if (part.function?.name) call.function.name += part.function.name;
          if (part.function?.arguments) call.function.arguments += part.function.arguments;
        }
      }
      if (calls.length === 0) break;
      messages.push({ role: 'assistant', content: null, tool_calls: calls });
      for (const call of calls) {
        messages.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify(await this.runTool(call)) });
      }
    }
    this.history = [...this.history, { role: 'user', content: text }, { role: 'assistant', content: answer }].slice(
      -HISTORY_MESSAGES,
    ) as ChatCompletionMessageParam[];
  }

  private async runTool(call: ChatCompletionMessageFunctionToolCall): Promise<unknown> {
    let args: Record<string, unknown>;
    try {
      args = JSON.parse(call.function.arguments || '{}') as Record<string, unknown>;
    } catch {
      return { error: 'arguments are not JSON' };
    }
    if (call.function.name === 'switch_lights') {
      if (!isRoom(args.room) || typeof args.on !== 'boolean')
        return { error: `room must be one of ${ROOMS.join(', ')}` };
      return this.lights.switchLights(args.room, args.on);
    }
    if (call.function.name === 'lights_status') return this.lights.status();
    return { error: `no tool ${call.function.name}` };
  }
}
