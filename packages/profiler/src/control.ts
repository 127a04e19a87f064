/**
 * The control channel's server side alone (the preload opens it just after start-up; the profiler
 * itself loads at the first request) and the profile-on-start request it takes from the
 * environment.
 */
export { startProfilerControlServer } from './control/controlServer';
export type { ProfilerControlServer, ProfilerControlServerOptions } from './control/controlServer';
export { PROFILE_ON_START_ENV, parseProfileOnStart } from './control/controlProtocol';
export type { ProfileRequest } from './control/controlProtocol';
