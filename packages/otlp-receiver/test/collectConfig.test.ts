import { CollectConfigError, componentRulesFromConfig } from '../src/collectConfig';
import { DEFAULT_COMPONENT_RULES } from '../src/defaultComponentRules';

describe('componentRulesFromConfig', () => {
  it('no section: the built-in rules', () => {
    expect(componentRulesFromConfig(undefined)).toEqual(DEFAULT_COMPONENT_RULES);
  });

  it("the section's rules come first, then the built-in ones unless turned off", () => {
    const rules = [
      { spanName: 'transcribe_chunk', component: 'stt' },
      { attribute: 'rpc.service', value: ['Synthesizer', 'Voice'], component: 'tts', operation: 'synthesize' },
      { spanNamePattern: '^internal\\.', component: null },
    ];
    expect(componentRulesFromConfig({ rules })).toEqual([...rules, ...DEFAULT_COMPONENT_RULES]);
    expect(componentRulesFromConfig({ rules, defaultRules: false })).toEqual(rules);
  });

  it.each([
    [[], 'collect: expected an object'],
    [{ rule: [] }, 'collect: unknown field "rule"; known: rules, defaultRules'],
    [{ defaultRules: 'no' }, 'collect.defaultRules: expected true or false, got "no"'],
    [{ rules: {} }, 'collect.rules: expected an array of rules'],
    [{ rules: ['stt'] }, 'collect.rules[0]: expected an object'],
    [
      { rules: [{ spanName: 'x', component: 'asr' }] },
      'collect.rules[0].component: "asr" is not a component; expected one of audio_capture, vad, stt, agent, llm, tool, tts, audio_output, pipeline, or null',
    ],
    [{ rules: [{ spanName: 'x' }] }, 'collect.rules[0].component: undefined is not a component'],
    [
      { rules: [{ component: 'stt' }] },
      'collect.rules[0]: give at least one of spanName, spanNamePattern or attribute',
    ],
    [
      { rules: [{ spanNamePattern: '(', component: 'stt' }] },
      'collect.rules[0].spanNamePattern: Invalid regular expression',
    ],
    [{ rules: [{ value: 'x', component: 'stt' }] }, 'collect.rules[0].value: needs "attribute"'],
    [
      { rules: [{ spanName: ['a', 3], component: 'stt' }] },
      'collect.rules[0].spanName[1]: expected a non-empty string, got 3',
    ],
    [{ rules: [{ spanName: 'a', component: 'stt', when: 'now' }] }, 'collect.rules[0]: unknown field "when"'],
  ])('%j is refused: %s', (section, message) => {
    expect(() => componentRulesFromConfig(section)).toThrow(CollectConfigError);
    expect(() => componentRulesFromConfig(section)).toThrow(message);
  });
});
