import type { AnyValueMap } from '@opentelemetry/api-logs';
import { EVENT_ATTR, PROFILE_ATTR } from '@transcriber/instrumentation';
import type { ProcessProfileResults, ProfileResults } from './profileResults';

/** Attributes of the profile-result event of one profiled operation. */
export function operationProfileAttributes(results: ProfileResults): AnyValueMap {
  const attributes: AnyValueMap = {
    [EVENT_ATTR.COMPONENT]: results.component,
    [EVENT_ATTR.OPERATION]: results.operation,
    [PROFILE_ATTR.KIND]: 'operation',
    [PROFILE_ATTR.DURATION_MS]: results.durationMs,
    [PROFILE_ATTR.CPU_MS]: results.cpuMs,
    [PROFILE_ATTR.SAMPLE_COUNT]: results.sampleCount,
    [PROFILE_ATTR.TOP_FUNCTIONS]: JSON.stringify(results.topFunctions),
    [PROFILE_ATTR.CALL_GRAPH]: JSON.stringify(results.callGraph),
  };
  addMemoryAndFiles(attributes, results);
  if (results.memoryUnavailable !== undefined) {
    attributes[EVENT_ATTR.DETAILS] = JSON.stringify({ memoryUnavailable: results.memoryUnavailable });
  }
  return attributes;
}

/** Attributes of the profile-result event of a whole-process profile. */
export function processProfileAttributes(results: ProcessProfileResults): AnyValueMap {
  const attributes: AnyValueMap = {
    [EVENT_ATTR.COMPONENT]: results.component ?? 'process',
    [EVENT_ATTR.OPERATION]: 'process',
    [PROFILE_ATTR.KIND]: 'process',
    [PROFILE_ATTR.DURATION_MS]: results.durationMs,
    [PROFILE_ATTR.CPU_MS]: results.cpuMs,
    [PROFILE_ATTR.SAMPLE_COUNT]: results.sampleCount,
    [PROFILE_ATTR.TOP_FUNCTIONS]: JSON.stringify(results.topFunctions),
    [PROFILE_ATTR.CALL_GRAPH]: JSON.stringify(results.callGraph),
    [PROFILE_ATTR.COMPONENTS]: JSON.stringify(results.components),
    [EVENT_ATTR.DETAILS]: JSON.stringify({
      totalSampleCount: results.totalSampleCount,
      totalCpuMs: results.totalCpuMs,
      unattributedShare: results.unattributedShare,
      unattributedCpuMs: results.unattributedCpuMs,
      instrumentation: results.instrumentation,
      endedEarly: results.endedEarly,
      profiledPid: results.pid,
    }),
  };
  addMemoryAndFiles(attributes, results);
  return attributes;
}

function addMemoryAndFiles(attributes: AnyValueMap, results: ProfileResults | ProcessProfileResults): void {
  if (results.memory !== undefined) {
    attributes[PROFILE_ATTR.MEMORY] = JSON.stringify(results.memory);
    attributes[PROFILE_ATTR.LEAK_SUSPECTED] = results.memory.leak.suspected;
  }
  if (results.cpuProfilePath !== undefined) attributes[PROFILE_ATTR.CPU_PROFILE_PATH] = results.cpuProfilePath;
  if (results.heapProfilePath !== undefined) attributes[PROFILE_ATTR.HEAP_PROFILE_PATH] = results.heapProfilePath;
}
