import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** Delays of the scripted model, so the figures derived from its streams can be checked. */
export const MODEL_DELAYS_MS = { firstChunk: 120, betweenChunks: 15 };

export interface ScriptedChatModel {
  baseURL: string;
  /** The body of each chat request received, in order. */
  requests: { messages: { role: string; content?: string | null; tool_calls?: unknown[] }[]; stream?: boolean }[];
  close(): Promise<void>;
}

/**
 * An OpenAI-compatible chat completions endpoint on 127.0.0.1 standing in for a model that uses
 * tools, streaming the way the API does (SSE chunks, tool-call deltas, a usage chunk, `[DONE]`):
 * asked to switch lights, it calls `switch_lights` with the room and state it heard; given the
 * tool's result, or asked anything else, it answers in words.
 */
export async function startScriptedChatModel(): Promise<ScriptedChatModel> {
  const requests: ScriptedChatModel['requests'] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url !== '/v1/chat/completions') {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `no route ${req.url}`, type: 'invalid_request_error' } }));
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ScriptedChatModel['requests'][number] & {
        model: string;
      };
      requests.push(body);
      stream(res, body.model, answer(body.messages));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

type Answer = { text: string } | { tool: string; args: Record<string, unknown> };

function answer(messages: ScriptedChatModel['requests'][number]['messages']): Answer {
  const last = messages[messages.length - 1];
  if (last.role === 'tool') {
    const state = JSON.parse(String(last.content)) as Record<string, boolean>;
    const on = Object.keys(state).filter((room) => state[room]);
    return { text: `Done. The lights are now on in the ${on.join(' and ') || 'no room'}.` };
  }
  const heard = String(last.content ?? '');
  const lights = /\b(on|off)\b.*\b(living room|kitchen|bedroom)\b|\b(living room|kitchen|bedroom)\b.*\b(on|off)\b/.exec(
    heard,
  );
  if (lights !== null) {
    const state = lights[1] ?? lights[4];
    const room = lights[2] ?? lights[3];
    return { tool: 'switch_lights', args: { room, on: state === 'on' } };
  }
  return { text: `You said ${heard}. I can only help with the lights.` };
}

function stream(res: http.ServerResponse, model: string, answer: Answer): void {
  const base = { id: 'chatcmpl-scripted', created: Math.floor(Date.now() / 1000), model: `${model}-scripted` };
  const chunk = (delta: object, finish: string | null = null) => ({
    ...base,
    object: 'chat.completion.chunk',
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
  const pieces: object[] =
    'text' in answer
      ? answer.text.split(/(?<= )/).map((word) => ({ content: word }))
      : [
          {
            tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: answer.tool, arguments: '' } }],
          },
          { tool_calls: [{ index: 0, function: { arguments: JSON.stringify(answer.args) } }] },
        ];
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const send = (data: unknown) => res.write(`data: ${JSON.stringify(data)}\n\n`);
  send(chunk({ role: 'assistant', content: '' }));
  let i = 0;
  const next = () => {
    if (i < pieces.length) {
      send(chunk(pieces[i++]));
      setTimeout(next, MODEL_DELAYS_MS.betweenChunks);
      return;
    }
    send(chunk({}, 'text' in answer ? 'stop' : 'tool_calls'));
    send({ ...base, object: 'chat.completion.chunk', choices: [], usage: usageOf(pieces.length) });
    res.end('data: [DONE]\n\n');
  };
  setTimeout(next, MODEL_DELAYS_MS.firstChunk);
}

function usageOf(outputChunks: number) {
  return { prompt_tokens: 60, completion_tokens: outputChunks, total_tokens: 60 + outputChunks };
}
