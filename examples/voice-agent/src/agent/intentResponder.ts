import type { Lights } from '../tools/lights';
import { matchIntent } from './intents';
import type { Responder } from './responder';

/** Answers with the local intent matcher, calling the lights tool when asked. */
export class IntentResponder implements Responder {
  constructor(
    private readonly lights: Lights,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async *respond(text: string): AsyncGenerator<string> {
    const intent = matchIntent(text);
    switch (intent.kind) {
      case 'switch_lights': {
        await this.lights.switchLights(intent.room, intent.on);
        yield `Okay, the ${intent.room} lights are ${intent.on ? 'on' : 'off'}.`;
        return;
      }
      case 'lights_status': {
        const state = await this.lights.status();
        yield `The ${intent.room} lights are ${state[intent.room] ? 'on' : 'off'}.`;
        return;
      }
      case 'time': {
        const time = this.now().toLocaleTimeString('en-US', { hour: 'numeric', minute: '2-digit' });
        yield `It is ${time}.`;
        return;
      }
      case 'help':
        yield 'I can switch the lights in the living room, the kitchen or the bedroom, tell you whether they are on, ';
        yield 'and tell you the time. What would you like?';
        return;
      case 'greeting':
        yield 'Hello! How can I help?';
        return;
      case 'thanks':
        yield 'You are welcome.';
        return;
      case 'goodbye':
        yield 'Goodbye!';
        return;
      case 'unknown':
        yield 'Sorry, I did not catch that.';
    }
  }
}
