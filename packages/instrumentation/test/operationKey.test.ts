import { ATTR_COMPONENT, ATTR_OPERATION } from '@transcriber/instrumentation';
import { operationKeyFor } from '../src/operationKey';

describe('operationKeyFor', () => {
  it('builds the span name and attributes of an operation', () => {
    const key = operationKeyFor('stt', 'transcribe');
    expect(key.component).toBe('stt');
    expect(key.operation).toBe('transcribe');
    expect(key.spanName).toBe('stt.transcribe');
    expect(key.attributes).toEqual({ [ATTR_COMPONENT]: 'stt', [ATTR_OPERATION]: 'transcribe' });
    expect(Object.isFrozen(key.attributes)).toBe(true);
  });

  it('builds a key once and hands the same one out again', () => {
    expect(operationKeyFor('llm', 'complete')).toBe(operationKeyFor('llm', 'complete'));
    expect(operationKeyFor('llm', 'complete')).not.toBe(operationKeyFor('llm', 'embed'));
    expect(operationKeyFor('tts', 'complete')).not.toBe(operationKeyFor('llm', 'complete'));
  });

  it('keeps component and operation apart even when their dotted names collide', () => {
    const a = operationKeyFor('a.b', 'c');
    const b = operationKeyFor('a', 'b.c');
    expect(a.spanName).toBe(b.spanName);
    expect(a).not.toBe(b);
    expect(a.attributes[ATTR_COMPONENT]).toBe('a.b');
    expect(b.attributes[ATTR_COMPONENT]).toBe('a');
  });

  it('stops caching past its cap but still builds correct keys', () => {
    for (let i = 0; i < 3000; i++) operationKeyFor('tool', `generated_${i}`);
    const late = operationKeyFor('tool', 'generated_2999');
    expect(late.spanName).toBe('tool.generated_2999');
    expect(operationKeyFor('tool', 'generated_2999')).not.toBe(late);
    // Keys cached before the cap was reached are still shared.
    expect(operationKeyFor('llm', 'complete')).toBe(operationKeyFor('llm', 'complete'));
  });
});
