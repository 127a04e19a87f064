import { COMPONENT_TYPES } from '@transcriber/instrumentation';
import type { AllocationOptions, ResourceAllocation } from './allocation/recommendResourceAllocation';
import type { AudioOptimizationOptions, AudioOptimizationResult } from './audio/optimizeAudioProcessing';
import type { MemoryOptimizationOptions, MemoryOptimizationResult } from './memory/optimizeMemoryUsage';
import { OptimizerInputError } from './optimizerInputError';

/** What `optimizeComponent` did: which optimizer ran and its result, or why none applies. */
export type ComponentOptimization =
  | { status: 'optimized'; component: string; kind: 'audio_processing'; result: AudioOptimizationResult }
  | { status: 'optimized'; component: 'memory'; kind: 'memory'; result: MemoryOptimizationResult }
  | { status: 'optimized'; component: 'pipeline'; kind: 'resource_allocation'; result: ResourceAllocation }
  | { status: 'no-optimizer'; component: string; message: string };

/** The components whose optimizer tunes audio settings (sample rate, chunk size, channels). */
export const AUDIO_COMPONENTS: readonly string[] = Object.freeze(['audio_capture', 'vad', 'audio_output']);

const MEMORY_KEYS = ['purge', 'idleMs', 'gc'];
const PIPELINE_KEYS = ['sampleMs', 'currentConcurrency', 'targetUtilization'];

/** The optimizers `optimizeComponent` dispatches to (the ResourceOptimizer's methods). */
export interface ComponentOptimizers {
  audio(component: string, settings: unknown, options: AudioOptimizationOptions): Promise<AudioOptimizationResult>;
  memory(options: MemoryOptimizationOptions): Promise<MemoryOptimizationResult>;
  allocation(options: AllocationOptions): Promise<ResourceAllocation>;
}

/**
 * Runs the optimizer of `component`: audio tuning for audio_capture/vad/audio_output (settings are
 * audio settings), memory (settings are memory options), resource allocation for pipeline (settings
 * are allocation options). Components whose settings are the app's choice (stt, llm, tts, ...) get
 * `no-optimizer` with the reason; unknown names throw.
 */
export async function optimizeComponent(
  optimizers: ComponentOptimizers,
  component: string,
  settings: unknown,
  audioOptions: AudioOptimizationOptions = {},
): Promise<ComponentOptimization> {
  if (AUDIO_COMPONENTS.includes(component)) {
    return {
      status: 'optimized',
      component,
      kind: 'audio_processing',
      result: await optimizers.audio(component, settings, audioOptions),
    };
  }
  if (component === 'memory') {
    return {
      status: 'optimized',
      component,
      kind: 'memory',
      result: await optimizers.memory(only(settings, MEMORY_KEYS, component)),
    };
  }
  if (component === 'pipeline') {
    return {
      status: 'optimized',
      component,
      kind: 'resource_allocation',
      result: await optimizers.allocation(only(settings, PIPELINE_KEYS, component)),
    };
  }
  if ((COMPONENT_TYPES as readonly string[]).includes(component)) {
    return {
      status: 'no-optimizer',
      component,
      message: `no optimizer for ${component}: its settings (model, provider, region, prompts) are the app's to choose; getOptimizationRecommendations({ component: '${component}' }) tells what the recorded data suggests`,
    };
  }
  throw new OptimizerInputError(
    `unknown component ${JSON.stringify(component)}: expected one of ${[...COMPONENT_TYPES, 'memory'].join(', ')}`,
  );
}

function only<T>(settings: unknown, keys: readonly string[], component: string): T {
  if (settings === undefined || settings === null) return {} as T;
  if (typeof settings !== 'object' || Array.isArray(settings)) {
    throw new OptimizerInputError(`settings for ${component} must be an object with ${keys.join(', ')}`);
  }
  for (const key of Object.keys(settings)) {
    if (!keys.includes(key)) {
      throw new OptimizerInputError(`unknown ${component} setting "${key}": accepted are ${keys.join(', ')}`);
    }
  }
  return settings as T;
}
