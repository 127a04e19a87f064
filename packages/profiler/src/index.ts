export { ProfilerManager } from './profilerManager';
export type { ProfilerOptions } from './profilerOptions';
export { ProfilerContext } from './profilerContext';
export type { ProfilerContextOptions } from './profilerContext';
export type { ProcessProfileOptions } from './processProfile';
export type {
  ProfileResults,
  ProcessProfileResults,
  ComponentProfile,
  InstrumentationOverhead,
  MemoryProfile,
} from './profileResults';
export type { HotSpot, CallEdge } from './cpu/hotSpots';
export type { AllocationHotSpot } from './memory/allocationHotSpots';
export type { LeakVerdict, LeakSuspect } from './memory/assessLeak';
export { AttributionSpanProcessor } from './attribution/attributionSpanProcessor';
export { startProfilerControlServer } from './control/controlServer';
export type { ProfilerControlServer, ProfilerControlServerOptions } from './control/controlServer';
export {
  requestProcessProfile,
  collectStartupProfile,
  pingProcess,
  ControlChannelError,
} from './control/controlClient';
export type { ControlClientOptions } from './control/controlClient';
export { PROFILE_ON_START_ENV, parseProfileOnStart, type ProfileRequest } from './control/controlProtocol';
export { controlSocketPath } from './control/controlSocket';
