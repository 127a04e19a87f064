// What the frameworks' spans mean (their components, their turns, their figures): pure functions
// over a minimal span shape, shared by the preload's span processor (the spans of this process) and
// the OTLP receiver (`transcriber collect`). A light entry: it loads no OpenTelemetry package.
export type { SpanShape } from './derive/spanShape';
export { numberAttribute } from './derive/spanShape';
export type { StageInterval, TurnBreakdown } from './derive/turnBreakdown';
export { turnBreakdown } from './derive/turnBreakdown';
export type { TurnFigures } from './derive/turnFigures';
export { breakdownInSeconds, turnFigureAttributes } from './derive/turnFigures';
export type { DerivedTurn } from './derive/derivedTurn';
export { derivedTurnAttributes, derivedTurnSpanId, epochMsToHrTime, knownMarks } from './derive/derivedTurn';
export type { LiveKitAgentTurn, LiveKitExchange } from './derive/liveKitTurns';
export { deriveLiveKitTurn, LIVEKIT_ATTR, LIVEKIT_SPAN } from './derive/liveKitTurns';
export { derivePipecatTurn, isPipecatTurn, PIPECAT_ATTR, PIPECAT_SPAN, pipecatServiceOf } from './derive/pipecatTurns';
export type { TurnAssemblerOptions } from './derive/turnAssembler';
export { TurnAssembler } from './derive/turnAssembler';
export { LIVEKIT_SPAN_COMPONENTS, PIPECAT_SPAN_COMPONENTS } from './derive/frameworkComponents';
export { AI_SDK_ATTR, AI_SDK_SCOPES, aiSdkModelCallFigures, aiSdkOperation } from './derive/aiSdkSpans';
export { isMessageContentAttribute } from './derive/messageContent';
