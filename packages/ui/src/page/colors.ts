/**
 * One colour per component, the same on every page (a stage takes its component's colour); names
 * the palette does not know (a stage of a newer turn model, `unexplained`) get a stable colour of
 * their own from their name.
 */
const COMPONENT_COLORS: Record<string, string> = {
  audio_capture: '#8c6bb1',
  vad: '#6a51a3',
  stt: '#2b8cbe',
  agent: '#e6550d',
  llm: '#fd8d3c',
  tool: '#a63603',
  tts: '#31a354',
  audio_output: '#74c476',
  pipeline: '#636363',
  memory: '#756bb1',
  event_loop: '#de2d26',
  '': '#bdbdbd',
};

const NAMED: Record<string, string> = {
  unexplained: '#9e9e9e',
  process: '#636363',
};

export function colorOf(name: string | null | undefined): string {
  const key = name ?? '';
  const known = COMPONENT_COLORS[key] ?? NAMED[key];
  if (known !== undefined) return known;
  let hash = 0;
  for (let i = 0; i < key.length; i++) hash = (hash * 31 + key.charCodeAt(i)) >>> 0;
  return `hsl(${hash % 360}, 45%, 55%)`;
}

/** A stage's colour: its component's, unless the stage has a colour of its own. */
export function stageColor(stage: string, component: string): string {
  return NAMED[stage] ?? colorOf(component);
}

export const ERROR_COLOR = '#d62728';
