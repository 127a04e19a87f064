/**
 * The preload and a LiveKit Agents app loaded with `require` (the example agent covers `import`):
 * the real @livekit/agents, a text-only session with its own test LLM. Its spans become component
 * operations and its `metrics_collected` figures our histograms; the app's results are its own.
 */
import Database from 'better-sqlite3';
import * as path from 'node:path';
import { cleanEnv } from '../../../../test/helpers/cleanEnv';
import { runNode, tempProject, type ProcessResult } from '../../../../test/helpers/preloadedProcess';
import { storedSpans, type StoredSpan } from '../../../../test/helpers/storedSpans';
import { removeTempDirs } from '../../../../test/helpers/tempDir';

afterAll(removeTempDirs);

const FIXTURES = path.join(__dirname, 'fixtures');

let plain: ProcessResult;
let preloaded: ProcessResult;
let spans: StoredSpan[];
let withContent: StoredSpan[];
let dataDir: string;

beforeAll(async () => {
  const fixture = path.join(FIXTURES, 'livekit-text-agent.cjs');
  const project = tempProject();
  dataDir = project.dataDir;
  const contentDir = path.join(project.dir, 'with-content');
  [plain, preloaded] = await Promise.all([
    runNode([fixture], { cwd: project.dir, env: cleanEnv({}) }),
    runNode(['--require', '@transcriber/node/register', fixture], {
      cwd: project.dir,
      env: cleanEnv({ TRANSCRIBER_PERF_DATA_DIR: dataDir }),
    }),
    runNode(['--require', '@transcriber/node/register', fixture], {
      cwd: project.dir,
      env: cleanEnv({
        TRANSCRIBER_PERF_DATA_DIR: contentDir,
        OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'true',
      }),
    }),
  ]);
  spans = storedSpans(dataDir);
  withContent = storedSpans(contentDir);
}, 60_000);

it('leaves the app its results, output and exit code', () => {
  expect(plain.code).toBe(0);
  expect(preloaded.stderr).toBe('');
  expect(preloaded.code).toBe(0);
  expect(JSON.parse(preloaded.stdout)).toEqual(JSON.parse(plain.stdout));
  expect(JSON.parse(preloaded.stdout)).toEqual({ started: 'undefined', replies: ['Hello, how can I help?'] });
});

it("records LiveKit's model call as an llm operation, and its time to first token from metrics_collected", () => {
  const llmNodes = spans.filter((s) => s.name === 'llm_node');
  expect(llmNodes.map((s) => [s.component, s.operation, s.scope])).toEqual([['llm', 'llm_node', 'livekit-agents']]);
  // No committed user turn (a text message), so no voice exchange: no turn.
  expect(spans.filter((s) => s.component === 'pipeline')).toEqual([]);
  const db = new Database(path.join(dataDir, 'performance_metrics.db'), { readonly: true });
  try {
    const ttft = db
      .prepare(
        `SELECT sum(count) AS n, sum(sum) AS total FROM metric_points
          WHERE name = 'gen_ai.client.operation.time_to_first_chunk' AND component = 'llm' AND operation = 'llm_node'`,
      )
      .get() as { n: number; total: number };
    expect(ttft.n).toBe(1);
    // LiveKit measured the test LLM's 40 ms (whole ms), less than the whole call.
    expect(ttft.total).toBeGreaterThanOrEqual(0.04);
    expect(ttft.total).toBeLessThanOrEqual(llmNodes[0].durationMs / 1000);
  } finally {
    db.close();
  }
});

it("records no message content of LiveKit's unless asked to (OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT)", () => {
  const contentKeys = (stored: StoredSpan[]) =>
    new Set(
      stored
        .filter((s) => s.scope === 'livekit-agents')
        .flatMap((s) => Object.keys(s.attributes))
        .filter((key) => key.includes('.pii.') || key === 'gen_ai.input.messages' || key === 'gen_ai.output.messages'),
    );
  expect(contentKeys(spans)).toEqual(new Set());
  // LiveKit records the chat context on llm_node, the prompt and answer on llm_request.
  expect([...contentKeys(withContent)]).toEqual(expect.arrayContaining(['lk.pii.chat_ctx', 'gen_ai.input.messages']));
  expect(withContent.find((s) => s.name === 'llm_node')!.component).toBe('llm');
});
