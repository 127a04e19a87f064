import { SpanKind, type Attributes } from '@opentelemetry/api';
import { emptyResource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { ComponentMapper, type ComponentRule } from '../src/componentRules';
import { DEFAULT_COMPONENT_RULES } from '../src/defaultComponentRules';
import { ReceivedSpan } from '../src/receivedSpan';

function spanOf(name: string, attributes: Attributes = {}): ReadableSpan {
  const span = new ReceivedSpan(emptyResource(), { name: 'test' });
  span.name = name;
  span.kind = SpanKind.INTERNAL;
  span.attributes = { ...attributes };
  return span;
}

function mapped(rules: readonly ComponentRule[], name: string, attributes: Attributes = {}) {
  const span = spanOf(name, attributes);
  new ComponentMapper(rules).apply([span]);
  return [span.attributes['transcriber.component'] ?? null, span.attributes['transcriber.operation'] ?? null];
}

describe('the built-in rules', () => {
  it.each([
    // LiveKit Agents. The two halves of an exchange are no operations: the turn derived from them is.
    ['user_turn', {}, null, null],
    ['agent_turn', { 'gen_ai.operation.name': 'invoke_agent' }, null, null],
    ['start_agent_activity', { 'gen_ai.operation.name': 'create_agent' }, null, null],
    ['user_speaking', {}, null, null],
    ['agent_speaking', {}, null, null],
    ['stt_node', {}, 'stt', 'stt_node'],
    ['llm_node', {}, 'llm', 'llm_node'],
    ['tts_node', {}, 'tts', 'tts_node'],
    ['function_tool', {}, 'tool', 'function_tool'],
    ['eou_detection', {}, 'vad', 'eou_detection'],
    ['agent_session', {}, null, null],
    // inside llm_node: its time is the node's already, even with GenAI attributes
    ['llm_request', { 'gen_ai.operation.name': 'chat' }, null, null],
    ['tts_request_run', {}, null, null],
    // Pipecat
    ['turn', { 'turn.number': 2 }, null, null],
    ['stt', { 'gen_ai.operation.name': 'stt' }, 'stt', 'stt'],
    ['llm', { 'gen_ai.operation.name': 'chat' }, 'llm', 'llm'],
    ['tts', {}, 'tts', 'tts'],
    ['conversation', {}, null, null],
    ['stt_deepgramsttservice', {}, 'stt', 'stt_deepgramsttservice'],
    ['llm_openaillmservice', {}, 'llm', 'llm_openaillmservice'],
    // OTel GenAI conventions, whatever the span's name
    ['chat gpt-4o', { 'gen_ai.operation.name': 'chat' }, 'llm', 'chat'],
    ['embeddings text-embedding-3', { 'gen_ai.operation.name': 'embeddings' }, 'llm', 'embeddings'],
    ['execute_tool get_weather', { 'gen_ai.operation.name': 'execute_tool' }, 'tool', 'execute_tool'],
    ['invoke_agent helper', { 'gen_ai.operation.name': 'invoke_agent' }, 'agent', 'invoke_agent'],
    ['synthesize', { 'gen_ai.operation.name': 'text_to_speech' }, 'tts', 'text_to_speech'],
    // nothing known
    ['HTTP POST', { 'http.method': 'POST' }, null, null],
    ['chat', { 'gen_ai.operation.name': 'rerank' }, null, null],
  ] as const)('%s %j → %s / %s', (name, attributes, component, operation) => {
    expect(mapped(DEFAULT_COMPONENT_RULES, name, attributes)).toEqual([component, operation]);
  });
});

describe('ComponentMapper', () => {
  it('keeps a component the span already has, adding its name as the operation when missing', () => {
    expect(
      mapped(DEFAULT_COMPONENT_RULES, 'llm_node', {
        'transcriber.component': 'agent',
        'transcriber.operation': 'plan',
      }),
    ).toEqual(['agent', 'plan']);
    expect(mapped(DEFAULT_COMPONENT_RULES, 'tts_node', { 'transcriber.component': 'tts' })).toEqual([
      'tts',
      'tts_node',
    ]);
  });

  it('tries rules in order: the first match decides, null included', () => {
    const rules: ComponentRule[] = [
      { spanNamePattern: '^custom\\.', component: null },
      { spanName: ['custom.vad', 'vad_step'], component: 'vad', operation: 'detect' },
      { attribute: 'stage', value: ['asr', 'stt'], component: 'stt' },
      { attribute: 'stage', component: 'agent', operation: 'other-stage' },
      { spanName: 'step', attribute: 'kind', value: 'speak', component: 'tts' },
    ];
    expect(mapped(rules, 'custom.vad')).toEqual([null, null]);
    expect(mapped(rules, 'vad_step')).toEqual(['vad', 'detect']);
    expect(mapped(rules, 'x', { stage: 'asr' })).toEqual(['stt', 'asr']);
    expect(mapped(rules, 'x', { stage: 'think' })).toEqual(['agent', 'other-stage']);
    expect(mapped(rules, 'step', { kind: 'speak' })).toEqual(['tts', 'speak']);
    expect(mapped(rules, 'step', { kind: 'listen' })).toEqual([null, null]);
    expect(mapped(rules, 'other')).toEqual([null, null]);
  });

  it('an earlier rule wins even inside a merged run of name rules', () => {
    const rules: ComponentRule[] = [
      { spanName: 'a', component: 'stt' },
      { spanName: ['a', 'b'], component: 'tts' },
    ];
    expect(mapped(rules, 'a')).toEqual(['stt', 'a']);
    expect(mapped(rules, 'b')).toEqual(['tts', 'b']);
  });

  it('compares attribute values as strings', () => {
    expect(mapped([{ attribute: 'stage', value: '2', component: 'llm' }], 'x', { stage: 2 })).toEqual(['llm', '2']);
  });
});
