import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** Delays the server builds into its answers, so the figures the preload derives can be checked. */
export const SERVER_DELAYS_MS = {
  /** Chat stream: between the role-only chunk and the first content chunk. */
  firstToken: 150,
  /** Transcription: before answering. */
  transcription: 120,
  /** Speech: between the response headers and the first audio bytes. */
  firstAudioByte: 150,
};

export const SPEECH_AUDIO_BYTES = 4800;

export interface OpenAICompatibleServer {
  baseURL: string;
  /** Paths of the requests received, in order. */
  requests: string[];
  close(): Promise<void>;
}

/**
 * A local stand-in for the OpenAI API on 127.0.0.1, answering the way the API does: chat
 * completions (JSON, or SSE chunks ending with a usage chunk and `[DONE]`; offered tools, a stream
 * calls the first of them, and answers in words once given its result), audio transcriptions
 * (JSON; `verbose_json` adds the audio duration) and audio speech (bytes streamed after a delay).
 */
export async function startOpenAICompatibleServer(): Promise<OpenAICompatibleServer> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push(req.url ?? '');
      const body = Buffer.concat(chunks);
      if (req.url === '/v1/chat/completions') return chat(JSON.parse(body.toString('utf8')), res);
      if (req.url === '/v1/audio/transcriptions') return transcription(body, res);
      if (req.url === '/v1/audio/speech') return speech(res);
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `no route ${req.url}`, type: 'invalid_request_error' } }));
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

interface ChatParams {
  model: string;
  stream?: boolean;
  tools?: { type: string; function: { name: string } }[];
  messages?: { role: string }[];
}

function chat(params: ChatParams, res: http.ServerResponse): void {
  const base = { id: 'chatcmpl-test', created: Math.floor(Date.now() / 1000), model: `${params.model}-2026` };
  const usage = { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 };
  if (!params.stream) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        ...base,
        object: 'chat.completion',
        choices: [{ index: 0, message: { role: 'assistant', content: 'Hello there' }, finish_reason: 'stop' }],
        usage,
      }),
    );
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const send = (chunk: unknown) => res.write(`data: ${JSON.stringify(chunk)}\n\n`);
  const chunk = (delta: object, finish: string | null = null) => ({
    ...base,
    object: 'chat.completion.chunk',
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
  send(chunk({ role: 'assistant', content: '' }));
  // Offered tools and not answering a tool's result yet: the model calls the first tool.
  const tool = params.tools?.[0]?.function.name;
  const callsTool = tool !== undefined && params.messages?.at(-1)?.role !== 'tool';
  setTimeout(() => {
    if (callsTool) {
      send(
        chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: tool, arguments: '' } }] }),
      );
      send(chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":"Paris"}' } }] }));
      send(chunk({}, 'tool_calls'));
    } else {
      for (const word of ['Hello', ' from', ' a', ' stream']) send(chunk({ content: word }));
      send(chunk({}, 'stop'));
    }
    send({ ...base, object: 'chat.completion.chunk', choices: [], usage });
    res.end('data: [DONE]\n\n');
  }, SERVER_DELAYS_MS.firstToken);
}

function transcription(body: Buffer, res: http.ServerResponse): void {
  // The multipart body holds the form fields as text parts.
  const verbose = /name="response_format"\r\n\r\nverbose_json/.test(body.toString('latin1'));
  setTimeout(() => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify(
        verbose ? { text: 'turn on the lights', language: 'english', duration: 2.5 } : { text: 'turn on the lights' },
      ),
    );
  }, SERVER_DELAYS_MS.transcription);
}

function speech(res: http.ServerResponse): void {
  res.writeHead(200, { 'content-type': 'audio/mpeg', 'transfer-encoding': 'chunked' });
  res.flushHeaders();
  setTimeout(() => {
    res.write(Buffer.alloc(SPEECH_AUDIO_BYTES / 2, 1));
    setTimeout(() => res.end(Buffer.alloc(SPEECH_AUDIO_BYTES / 2, 2)), 50);
  }, SERVER_DELAYS_MS.firstAudioByte);
}
