// Attributes of the frameworks' spans that carry what people said and what the agent answered.
// LiveKit marks every such attribute with a `pii` segment (`lk.pii.user_transcript`,
// `lk.pii.chat_ctx`, …: livekit-agents' trace_types); the GenAI conventions and the Vercel AI SDK
// name theirs.
const CONTENT: ReadonlySet<string> = new Set([
  // OpenTelemetry GenAI conventions (LiveKit, the AI SDK's GenAI naming)
  'gen_ai.input.messages',
  'gen_ai.output.messages',
  'gen_ai.system_instructions',
  'gen_ai.tool.call.arguments',
  'gen_ai.tool.call.result',
  // the AI SDK's legacy naming
  'ai.prompt',
  'ai.prompt.messages',
  'ai.response.text',
  'ai.response.reasoning',
  'ai.response.toolCalls',
  'ai.response.object',
  'ai.toolCall.args',
  'ai.toolCall.result',
]);

/**
 * Whether an attribute of a framework's span carries message content (a transcript, a prompt, an
 * answer, a tool's arguments or result): this project records none by default.
 */
export function isMessageContentAttribute(name: string): boolean {
  return CONTENT.has(name) || name.includes('.pii.');
}
