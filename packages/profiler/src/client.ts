/**
 * The control channel's client alone, for programs that ask another process for a profile or a
 * memory optimization (the CLI): `@transcriber/profiler/client` loads neither the OTel SDK nor
 * the inspector.
 */
export {
  requestProcessProfile,
  collectStartupProfile,
  requestMemoryOptimization,
  pingProcess,
  ControlChannelError,
} from './control/controlClient';
export type { ControlClientOptions } from './control/controlClient';
export { PROFILE_ON_START_ENV } from './control/controlProtocol';
export type { ProfileRequest } from './control/controlProtocol';
export { controlSocketPath } from './control/controlSocket';
export type { ProcessProfileResults, ComponentProfile, InstrumentationOverhead, MemoryProfile } from './profileResults';
export type { HotSpot, CallEdge } from './cpu/hotSpots';
export type { AllocationHotSpot } from './memory/allocationHotSpots';
export type { LeakVerdict, LeakSuspect } from './memory/assessLeak';
