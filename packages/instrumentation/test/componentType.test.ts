import { COMPONENT_TYPES, ComponentType, isComponentType } from '@transcriber/instrumentation';

describe('ComponentType', () => {
  it('has the documented values, in pipeline order', () => {
    expect(COMPONENT_TYPES).toEqual([
      'audio_capture',
      'vad',
      'stt',
      'agent',
      'llm',
      'tool',
      'tts',
      'audio_output',
      'pipeline',
    ]);
    expect(ComponentType.AUDIO_CAPTURE).toBe('audio_capture');
    expect(ComponentType.AUDIO_OUTPUT).toBe('audio_output');
    expect(ComponentType.PIPELINE).toBe('pipeline');
  });

  it('cannot be changed at run time', () => {
    expect(Object.isFrozen(COMPONENT_TYPES)).toBe(true);
  });

  it('isComponentType accepts exactly the component values', () => {
    for (const value of COMPONENT_TYPES) expect(isComponentType(value)).toBe(true);
    for (const value of ['STT', 'AUDIO_CAPTURE', 'memory', '', ' stt', undefined, null, 3, {}, ['stt']]) {
      expect(isComponentType(value)).toBe(false);
    }
  });
});
