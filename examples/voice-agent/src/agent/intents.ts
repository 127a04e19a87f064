import { isRoom, type Room } from '../tools/lights';

/** What the user asked for, as the local intent matcher understands it. */
export type Intent =
  | { kind: 'switch_lights'; room: Room; on: boolean }
  | { kind: 'lights_status'; room: Room }
  | { kind: 'time' }
  | { kind: 'help' }
  | { kind: 'greeting' }
  | { kind: 'thanks' }
  | { kind: 'goodbye' }
  | { kind: 'unknown' };

const ROOM = '(?:(living room|kitchen|bedroom) )?';
const PATTERNS: [RegExp, (m: RegExpMatchArray) => Intent][] = [
  [new RegExp(`\\b(?:turn|switch) (on|off) the ${ROOM}lights\\b`), (m) => lights(m[2], m[1])],
  [new RegExp(`\\b(?:turn|switch) the ${ROOM}lights (on|off)\\b`), (m) => lights(m[1], m[2])],
  [new RegExp(`\\bare the ${ROOM}lights on\\b`), (m) => ({ kind: 'lights_status', room: roomOf(m[1]) })],
  [/\bwhat (?:time is it|is the time)\b/, () => ({ kind: 'time' })],
  [/\b(?:what can you do|help me)\b/, () => ({ kind: 'help' })],
  [/\b(?:hello|hi there|good (?:morning|evening))\b/, () => ({ kind: 'greeting' })],
  [/\bthanks?(?: you)?\b/, () => ({ kind: 'thanks' })],
  [/\b(?:good)?bye\b/, () => ({ kind: 'goodbye' })],
];

/** A small rule-based matcher for when no language model is configured. */
export function matchIntent(text: string): Intent {
  const normalized = text
    .toLowerCase()
    .replace(/[^a-z ]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  for (const [pattern, intent] of PATTERNS) {
    const match = normalized.match(pattern);
    if (match !== null) return intent(match);
  }
  return { kind: 'unknown' };
}

function lights(room: string | undefined, state: string): Intent {
  return { kind: 'switch_lights', room: roomOf(room), on: state === 'on' };
}

function roomOf(room: string | undefined): Room {
  return isRoom(room) ? room : 'living room';
}
