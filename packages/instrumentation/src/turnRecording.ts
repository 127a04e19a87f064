import { type Attributes } from '@opentelemetry/api';
import type { TurnFigures } from './derive/turnFigures';
import { ATTR_TURN_STAGE } from './names';
import { TURN_BREAKDOWN_STAGES } from './turnStages';
import { getVoiceInstruments } from './voiceInstruments';

/**
 * Records a turn's histograms — voice-to-voice, each stage, interruptions, usage per turn — with the
 * turn operation's attributes. One path for every source: a TurnHandle's marks and a turn derived
 * from a framework's spans record the same instruments the same way.
 */
export function recordTurnHistograms(attributes: Attributes, figures: TurnFigures): void {
  const instruments = getVoiceInstruments();
  const perStage = stageAttributesOf(attributes);
  for (const [i, seconds] of figures.stages.entries()) {
    if (seconds !== undefined) instruments.stageDuration.record(seconds, perStage[i]);
  }
  if (figures.voiceToVoice !== undefined) instruments.voiceToVoice.record(figures.voiceToVoice, attributes);
  if (figures.interruptions > 0) instruments.interruptions.add(figures.interruptions, attributes);
  for (const [name, amount] of figures.usage) instruments.usage.get(name)?.record(amount, attributes);
}

// The stage histogram's attributes of each turn operation (in practice one: pipeline/turn), built once.
const stageAttributes = new WeakMap<Attributes, readonly Attributes[]>();

function stageAttributesOf(attributes: Attributes): readonly Attributes[] {
  let perStage = stageAttributes.get(attributes);
  if (perStage === undefined) {
    perStage = TURN_BREAKDOWN_STAGES.map((stage) => Object.freeze({ ...attributes, [ATTR_TURN_STAGE]: stage.stage }));
    stageAttributes.set(attributes, perStage);
  }
  return perStage;
}
