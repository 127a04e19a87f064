/** The part of the agent that decides what to say: yields the answer as it is produced. */
export interface Responder {
  respond(text: string): AsyncIterable<string>;
}
