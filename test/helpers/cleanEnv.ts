/**
 * The test runner's environment for a child process, without what would change what the child
 * does: transcriber's, OpenTelemetry's, OpenAI's and LiveKit's settings (a developer's data dir, an
 * OTLP endpoint, a real API key), NODE_OPTIONS (a runner's `--require`) and colour switches (output
 * is compared as plain text); then `extra`.
 */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(TRANSCRIBER_|OTEL_|OPENAI_|LIVEKIT_)/.test(key) && !SETTINGS.has(key)) env[key] = value;
  }
  return { ...env, ...extra };
}

const SETTINGS = new Set(['NODE_OPTIONS', 'NO_COLOR', 'FORCE_COLOR']);
