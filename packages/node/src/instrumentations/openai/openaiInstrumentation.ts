/* eslint-disable @typescript-eslint/no-require-imports -- the contrib instrumentation loads with the first `openai` load */
import { diag, metrics, trace } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import type { OpenAIInstrumentation } from '@opentelemetry/instrumentation-openai';
import { hookModuleLoads, type ModuleExports, type ModuleLoadHook } from '../moduleLoadHooks';
import { timedSpeech, timedTranscriptions } from './audioOperations';
import { timedChatCompletions, timedResponses } from './llmOperations';
import type { CreateMethod } from './timedCreate';

type Resource = { prototype?: { create?: unknown } } | undefined;
interface OpenAIClass {
  Chat?: { Completions?: Resource };
  Responses?: Resource;
  Audio?: { Transcriptions?: Resource; Translations?: Resource; Speech?: Resource };
}

/**
 * Instruments the `openai` SDK when the app loads it (require, or import when `esm`):
 * - our operations, one per call: chat completions and responses → `llm` `chat`; audio
 *   transcriptions → `stt` `transcribe`, translations → `stt` `translate`; audio speech → `tts`
 *   `synthesize` — with the figures a voice pipeline is judged by (see llmOperations.ts and
 *   audioOperations.ts);
 * - around them, the GenAI client spans, metrics (`gen_ai.client.operation.duration`,
 *   `gen_ai.client.token.usage`) and events of @opentelemetry/instrumentation-openai, which is
 *   loaded only then (it and @opentelemetry/instrumentation are ~40 modules an app without
 *   `openai` never needs).
 */
export function instrumentOpenAI(esm: boolean): ModuleLoadHook {
  let genAi: OpenAIInstrumentation | undefined;
  const patched = new WeakSet<object>();
  return hookModuleLoads(['openai'], esm, (exports, module, format, baseDir) => {
    try {
      patchOperations(clientClass(exports, format), patched);
    } catch (err) {
      diag.warn(`transcriber: the openai SDK could not be instrumented: ${(err as Error).message}`);
    }
    // After ours: the contrib wraps our methods, so its GenAI client span encloses our operation.
    // (The other way round, its own hooks, which see every later require of the module, would wrap
    // our wrapper again each time; it recognises only its own wrappers.)
    if (genAi === undefined) {
      try {
        genAi = loadGenAiInstrumentation(exports, module, baseDir);
      } catch (err) {
        diag.warn(
          `transcriber: @opentelemetry/instrumentation-openai could not be applied (${(err as Error).message}); the llm, stt and tts operations are still recorded`,
        );
      }
    }
    return undefined;
  });
}

/**
 * Creates the contrib instrumentation, which registers its own hooks for later loads, and applies
 * it to the load in progress, which those hooks cannot see any more (they were registered during
 * it). `_onRequire` is the method its hooks call: it checks the package version and patches.
 */
function loadGenAiInstrumentation(
  exports: ModuleExports,
  module: string,
  baseDir: string | undefined,
): OpenAIInstrumentation {
  const { OpenAIInstrumentation } =
    require('@opentelemetry/instrumentation-openai') as typeof import('@opentelemetry/instrumentation-openai');
  const instrumentation = new OpenAIInstrumentation();
  // What registerInstrumentations() would do; the metric instruments exist only after this.
  instrumentation.setTracerProvider(trace.getTracerProvider());
  instrumentation.setMeterProvider(metrics.getMeterProvider());
  instrumentation.setLoggerProvider?.(logs.getLoggerProvider());
  const onRequire = (instrumentation as unknown as { _onRequire?: (...args: unknown[]) => unknown })._onRequire;
  if (typeof onRequire !== 'function') throw new Error('this version has no _onRequire');
  for (const definition of instrumentation.getModuleDefinitions()) {
    onRequire.call(instrumentation, definition, exports, module, baseDir);
  }
  return instrumentation;
}

function clientClass(exports: ModuleExports, format: 'commonjs' | 'module'): OpenAIClass {
  const found = format === 'module' ? (exports.default ?? exports.OpenAI) : (exports.OpenAI ?? exports.default);
  if (typeof found !== 'function') throw new Error('no OpenAI class among its exports');
  return found as OpenAIClass;
}

function patchOperations(OpenAI: OpenAIClass, patched: WeakSet<object>): void {
  const targets: [Resource, (original: CreateMethod) => CreateMethod][] = [
    [OpenAI.Chat?.Completions, timedChatCompletions],
    [OpenAI.Responses, timedResponses],
    [OpenAI.Audio?.Transcriptions, (original) => timedTranscriptions(original, 'transcribe')],
    [OpenAI.Audio?.Translations, (original) => timedTranscriptions(original, 'translate')],
    [OpenAI.Audio?.Speech, timedSpeech],
  ];
  for (const [resource, wrap] of targets) {
    const prototype = resource?.prototype;
    if (prototype === undefined || typeof prototype.create !== 'function' || patched.has(prototype)) continue;
    patched.add(prototype);
    prototype.create = wrap(prototype.create as CreateMethod);
  }
}
