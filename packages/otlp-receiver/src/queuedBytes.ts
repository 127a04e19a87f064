/**
 * An estimate of the memory the rows of accepted requests take until they are written: each
 * request counts its decoded body's size (the rows hold the same strings, as JSON), from when its
 * rows are handed to the writers until the writers have settled that many rows. The writers report
 * rows, not bytes; they settle rows in the order they were handed over, so a running total of rows
 * tells which requests are done.
 */
export class QueuedBytes {
  private readonly requests: { rowsThrough: number; bytes: number }[] = [];
  private head = 0;
  private rowsHandedOver = 0;
  private total = 0;

  /** A request whose `rows` rows (taking about `bytes`) were just handed to the writers. */
  add(rows: number, bytes: number): void {
    if (rows === 0) return;
    this.rowsHandedOver += rows;
    this.requests.push({ rowsThrough: this.rowsHandedOver, bytes });
    this.total += bytes;
  }

  /** The bytes of requests not yet written, given the rows the writers still hold. */
  current(rowsPending: number): number {
    const settled = this.rowsHandedOver - rowsPending;
    while (this.head < this.requests.length && this.requests[this.head].rowsThrough <= settled) {
      this.total -= this.requests[this.head].bytes;
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.requests.length) {
      this.requests.splice(0, this.head);
      this.head = 0;
    }
    return this.total;
  }
}
