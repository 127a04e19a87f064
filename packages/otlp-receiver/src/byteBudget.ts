/**
 * Bytes the receiver may hold in memory at once: request bodies being read (decompressed, as they
 * are kept) and the rows of accepted requests not yet written (see QueuedBytes). A body that does
 * not fit is refused with 429 while it is read, so a slow writer or many large senders cannot grow
 * the process past the budget; a sender trickling a body holds only the bytes it has sent.
 */
export class ByteBudget {
  private reading = 0;

  /** `queued()`: the bytes of accepted rows still waiting for the databases, read on each take. */
  constructor(
    readonly limit: number,
    private readonly queued: () => number,
  ) {}

  /** Bytes of bodies being read now. */
  get inFlight(): number {
    return this.reading;
  }

  /** Whether anything fits at all (checked before a request's body is read). */
  get hasRoom(): boolean {
    return this.reading + this.queued() < this.limit;
  }

  /** Takes `bytes` for a body being read; false (nothing taken) when they do not fit. */
  take(bytes: number): boolean {
    if (this.reading + this.queued() + bytes > this.limit) return false;
    this.reading += bytes;
    return true;
  }

  /** Gives back bytes taken (the body was refused, or its rows were handed to the writers). */
  give(bytes: number): void {
    this.reading -= bytes;
  }
}
