// OpenTelemetry GenAI semantic-convention attributes set on our `llm`, `stt` and `tts` spans (the
// contrib OpenAI instrumentation sets the same on its GenAI client spans). The usage and derived
// figures (tokens, time to first chunk, real-time factor, ...) are @transcriber/instrumentation's names.
export const ATTR_GEN_AI_OPERATION_NAME = 'gen_ai.operation.name';
export const ATTR_GEN_AI_PROVIDER_NAME = 'gen_ai.provider.name';
export const ATTR_GEN_AI_REQUEST_MODEL = 'gen_ai.request.model';
export const ATTR_GEN_AI_RESPONSE_MODEL = 'gen_ai.response.model';
export const GEN_AI_PROVIDER_OPENAI = 'openai';
