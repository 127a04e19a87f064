// Recording what a framework measured (its spans, its figures) as our operations, turns and
// histograms: for the preload's framework instrumentations. An entry of its own, loaded when the
// first framework span or figure arrives, so a process without one never loads it. Its modules share
// the main entry's state (the instruments bound to the global providers).
export { recordDerivedTurn } from './derivedTurnSpan';
export { recordOperation } from './operationMetrics';
export { recordVoiceFigure } from './frameworkInstruments';
export type { VoiceFigure } from './frameworkInstruments';
