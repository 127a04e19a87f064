import {
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ComponentType,
  MARK_FIRST_TOKEN,
  timeOperation,
  type OperationHandle,
} from '@transcriber/instrumentation';
import { observeStream } from './observeStream';
import {
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  GEN_AI_PROVIDER_OPENAI,
} from './semconv';
import { timedCreate, type CreateMethod } from './timedCreate';

interface LlmParams {
  model?: unknown;
  stream?: unknown;
}

/**
 * `chat.completions.create` → an `llm` `chat` operation: the model, time to first token (the first
 * streamed chunk with content or a tool call), input and output tokens (streams report them when
 * asked with `stream_options: { include_usage: true }`), and so tokens per second.
 */
export function timedChatCompletions(original: CreateMethod): CreateMethod {
  return timedCreate<LlmParams>(original, startChat, (operation, result, params) => {
    if (params?.stream === true) {
      let firstToken = true;
      const watched = observeStream(
        result,
        (chunk) => {
          const c = chunk as ChatChunk;
          noteModel(operation, c.model);
          if (firstToken && c.choices?.some((choice) => hasContent(choice.delta))) {
            firstToken = false;
            operation.mark(MARK_FIRST_TOKEN);
          }
          if (c.usage) addTokens(operation, c.usage.prompt_tokens, c.usage.completion_tokens);
        },
        (error) => operation.end(error),
      );
      if (watched) return;
    } else {
      const completion = result as { model?: unknown; usage?: ChatUsage | null };
      noteModel(operation, completion?.model);
      if (completion?.usage) addTokens(operation, completion.usage.prompt_tokens, completion.usage.completion_tokens);
    }
    operation.end();
  });
}

/** `responses.create` → an `llm` `chat` operation, the same figures as chat completions. */
export function timedResponses(original: CreateMethod): CreateMethod {
  return timedCreate<LlmParams>(original, startChat, (operation, result, params) => {
    if (params?.stream === true) {
      let firstToken = true;
      const watched = observeStream(
        result,
        (event) => {
          const e = event as { type?: string; response?: ResponseBody };
          if (firstToken && e.type === 'response.output_text.delta') {
            firstToken = false;
            operation.mark(MARK_FIRST_TOKEN);
          }
          if (e.type === 'response.completed' && e.response) noteResponse(operation, e.response);
        },
        (error) => operation.end(error),
      );
      if (watched) return;
    } else {
      noteResponse(operation, result as ResponseBody);
    }
    operation.end();
  });
}

interface ChatUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
}
interface ChatChunk {
  model?: unknown;
  choices?: { delta?: { content?: unknown; tool_calls?: unknown[]; refusal?: unknown } }[];
  usage?: ChatUsage | null;
}
interface ResponseBody {
  model?: unknown;
  usage?: { input_tokens?: number; output_tokens?: number } | null;
}

function startChat(params: LlmParams | undefined): OperationHandle {
  const operation = timeOperation(ComponentType.LLM, 'chat');
  operation.span.setAttribute(ATTR_GEN_AI_OPERATION_NAME, 'chat');
  operation.span.setAttribute(ATTR_GEN_AI_PROVIDER_NAME, GEN_AI_PROVIDER_OPENAI);
  if (typeof params?.model === 'string') operation.span.setAttribute(ATTR_GEN_AI_REQUEST_MODEL, params.model);
  return operation;
}

function hasContent(delta: { content?: unknown; tool_calls?: unknown[]; refusal?: unknown } | undefined): boolean {
  if (delta === undefined) return false;
  return (
    (typeof delta.content === 'string' && delta.content !== '') ||
    (Array.isArray(delta.tool_calls) && delta.tool_calls.length > 0) ||
    (typeof delta.refusal === 'string' && delta.refusal !== '')
  );
}

function noteModel(operation: OperationHandle, model: unknown): void {
  if (typeof model === 'string') operation.span.setAttribute(ATTR_GEN_AI_RESPONSE_MODEL, model);
}

function noteResponse(operation: OperationHandle, response: ResponseBody | undefined): void {
  noteModel(operation, response?.model);
  if (response?.usage) addTokens(operation, response.usage.input_tokens, response.usage.output_tokens);
}

function addTokens(operation: OperationHandle, input: number | undefined, output: number | undefined): void {
  if (typeof input === 'number') operation.addUsage(ATTR_GEN_AI_USAGE_INPUT_TOKENS, input);
  if (typeof output === 'number') operation.addUsage(ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, output);
}
