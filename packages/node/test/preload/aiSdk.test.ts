/**
 * The Vercel AI SDK 7 (`ai`, `@ai-sdk/otel`), the real packages, in both of its namings: an app
 * under the preload gets its model calls as `llm` operations with their time to first chunk and
 * tokens, its tool calls as `tool` operations, and the time-to-first-chunk histogram; an app that
 * exports its own spans to `transcriber collect` gets the same operations there. The AI SDK needs
 * Node ≥ 22: this runs where the Node version allows it (the test's own Node, or the binary
 * TRANSCRIBER_TEST_NODE22 names) and otherwise says so, as a todo, instead of passing.
 * (Both apps send to a receiver in this process: the preloaded one over OTLP, so no SQLite library
 * built for another Node version is loaded in it.)
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { OtlpServer } from '@transcriber/otlp-receiver';
import { queryRows } from '../../../../test/helpers/sqlite';
import { makeTempDir, removeTempDirs } from '../../../../test/helpers/tempDir';
import { startOpenAICompatibleServer, type OpenAICompatibleServer } from './helpers/openaiCompatibleServer';
import { cleanEnv } from '../../../../test/helpers/cleanEnv';
import { runNode, tempProject } from '../../../../test/helpers/preloadedProcess';

const FIXTURES = path.join(__dirname, 'fixtures');

afterAll(removeTempDirs);

/** A Node ≥ 22 to run the apps with: this one, or TRANSCRIBER_TEST_NODE22's. */
function nodeForAiSdk(): string | undefined {
  const major = (version: string) => Number(/^v?(\d+)/.exec(version.trim())?.[1] ?? 0);
  if (major(process.version) >= 22) return process.execPath;
  const other = process.env.TRANSCRIBER_TEST_NODE22;
  if (other === undefined) return undefined;
  const version = spawnSync(other, ['--version'], { encoding: 'utf8' }).stdout ?? '';
  return major(version) >= 22 ? other : undefined;
}

const NODE = nodeForAiSdk();

interface Row {
  scope: string;
  name: string;
  component: string | null;
  operation: string | null;
  attributes: string;
}

if (NODE === undefined) {
  it.todo(
    `the Vercel AI SDK 7 needs Node ≥ 22, and this is ${process.version}: run this test under Node 22 or 24, or set TRANSCRIBER_TEST_NODE22 to a node binary of that version`,
  );
} else {
  let model: OpenAICompatibleServer;
  beforeAll(async () => {
    model = await startOpenAICompatibleServer();
  });
  afterAll(() => model.close());

  /** Runs the app (`naming`) with the preload or exporting on its own, into a receiver; its stored spans. */
  async function run(naming: 'gen_ai' | 'legacy', preloaded: boolean) {
    const dataDir = makeTempDir('transcriber-ai-sdk-');
    const receiver = await OtlpServer.start({ dataDir, port: 0 });
    const project = tempProject();
    let output: string;
    try {
      const app = path.join(FIXTURES, 'ai-sdk-agent.mjs');
      const result = await runNode(
        preloaded ? ['--import', '@transcriber/node/register', app, naming] : [app, naming],
        {
          cwd: project.dir,
          env: cleanEnv({
            OPENAI_BASE_URL: model.baseURL,
            ...(preloaded
              ? {
                  OTEL_TRACES_EXPORTER: 'otlp',
                  OTEL_METRICS_EXPORTER: 'otlp',
                  OTEL_LOGS_EXPORTER: 'none',
                  OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
                  OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
                  TRANSCRIBER_PERF_DATA_DIR: project.dataDir,
                }
              : { OTLP_TRACES_URL: `${receiver.url}/v1/traces` }),
          }),
          execPath: NODE,
        },
      );
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      output = result.stdout;
    } finally {
      await receiver.close();
    }
    const spans = queryRows<Row>(
      dataDir,
      'performance_metrics',
      'SELECT scope, name, component, operation, attributes FROM spans ORDER BY start_us',
    );
    return { output: JSON.parse(output) as { text: string; steps: number }, spans, dataDir };
  }

  describe.each([
    ['gen_ai', 'chat gpt-test', 'execute_tool get_weather'],
    ['legacy', 'ai.streamText.doStream', 'ai.toolCall'],
  ] as const)('the %s naming', (naming, modelCall, toolCall) => {
    for (const preloaded of [true, false]) {
      it(
        preloaded
          ? 'under the preload: llm and tool operations, the time to first chunk histogram'
          : 'sent to collect by the app itself: the same operations',
        async () => {
          const { output, spans, dataDir } = await run(naming, preloaded);
          expect(output).toEqual({ text: 'Hello from a stream', steps: 2 });
          const calls = spans.filter((s) => s.component === 'llm');
          expect(calls.map((s) => [s.name, s.operation])).toEqual([
            [modelCall, 'chat'],
            [modelCall, 'chat'],
          ]);
          for (const call of calls) {
            const attributes = JSON.parse(call.attributes) as Record<string, number>;
            // The server sends its first chunk 150 ms after the request; seconds, whatever the naming.
            expect(attributes['gen_ai.response.time_to_first_chunk']).toBeGreaterThanOrEqual(0.15);
            expect(attributes['gen_ai.response.time_to_first_chunk']).toBeLessThan(5);
            expect([attributes['gen_ai.usage.input_tokens'], attributes['gen_ai.usage.output_tokens']]).toEqual([
              12, 3,
            ]);
          }
          expect(spans.filter((s) => s.component === 'tool').map((s) => [s.name, s.operation])).toEqual([
            [toolCall, 'execute_tool'],
          ]);
          if (preloaded) {
            const points = queryRows<{ n: number }>(
              dataDir,
              'performance_metrics',
              `SELECT sum(count) AS n FROM metric_points
              WHERE name = 'gen_ai.client.operation.time_to_first_chunk' AND component = 'llm' AND operation = 'chat'`,
            );
            expect(points[0].n).toBe(2);
          }
        },
        60_000,
      );
    }
  });
}
