import * as fs from 'node:fs';

export const ROOMS = ['living room', 'kitchen', 'bedroom'] as const;
export type Room = (typeof ROOMS)[number];

export type LightsState = Record<Room, boolean>;

/**
 * A smart-home tool: the lights of each room, kept in a JSON file so they stay as they were left
 * between runs (and another program can look at them).
 */
export class Lights {
  constructor(private readonly stateFile: string) {}

  /** Switches a room's lights; returns the state of every room afterwards. */
  async switchLights(room: Room, on: boolean): Promise<LightsState> {
    const state = this.read();
    state[room] = on;
    await fs.promises.writeFile(this.stateFile, JSON.stringify(state, null, 2) + '\n');
    return state;
  }

  /** The state of every room. */
  async status(): Promise<LightsState> {
    return this.read();
  }

  private read(): LightsState {
    const state = Object.fromEntries(ROOMS.map((room) => [room, false])) as LightsState;
    let saved: unknown;
    try {
      saved = JSON.parse(fs.readFileSync(this.stateFile, 'utf8'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return state;
      throw new Error(`cannot read the lights state ${this.stateFile}: ${(err as Error).message}`);
    }
    for (const room of ROOMS) {
      const value = (saved as Record<string, unknown> | null)?.[room];
      if (typeof value === 'boolean') state[room] = value;
    }
    return state;
  }
}

export function isRoom(value: unknown): value is Room {
  return typeof value === 'string' && (ROOMS as readonly string[]).includes(value);
}
