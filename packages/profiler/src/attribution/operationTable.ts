/**
 * The operations seen while a timeline records: component, operation and parent of each, by id.
 * Kept in typed arrays (their memory lies outside the JS heap) with interned names, so recording a
 * busy process for minutes does not itself look like heap growth to the leak check.
 */
export class OperationTable {
  private parents: Int32Array = new Int32Array(256);
  private keys: Int32Array = new Int32Array(256);
  private firstId = 0;
  private count = 0;
  private readonly keyIndex = new Map<string, number>();
  private readonly components: string[] = [];
  private readonly operations: string[] = [];

  /** Starts over; ids given from now on begin at `firstId`. */
  reset(firstId: number): void {
    this.firstId = firstId;
    this.count = 0;
  }

  /** Adds the operation with id `firstId + size` (ids are handed out in order). */
  add(id: number, component: string, operation: string, parent: number): void {
    if (id !== this.firstId + this.count) return; // not recorded from the start: leave it out
    if (this.count === this.parents.length) {
      this.parents = grow(this.parents);
      this.keys = grow(this.keys);
    }
    const name = `${component}\0${operation}`;
    let key = this.keyIndex.get(name);
    if (key === undefined) {
      key = this.components.length;
      this.components.push(component);
      this.operations.push(operation);
      this.keyIndex.set(name, key);
    }
    this.parents[this.count] = parent;
    this.keys[this.count] = key;
    this.count++;
  }

  componentOf(id: number): string | undefined {
    const at = id - this.firstId;
    return at >= 0 && at < this.count ? this.components[this.keys[at]] : undefined;
  }

  operationOf(id: number): string | undefined {
    const at = id - this.firstId;
    return at >= 0 && at < this.count ? this.operations[this.keys[at]] : undefined;
  }

  /** The operation `id` ran inside, or -1. */
  parentOf(id: number): number {
    const at = id - this.firstId;
    return at >= 0 && at < this.count ? this.parents[at] : -1;
  }

  /** Whether operation `id` is `ancestor` or runs (transitively) inside it. */
  runsInside(id: number, ancestor: number): boolean {
    for (let at = id, hops = 0; at !== -1 && hops < 1000; hops++) {
      if (at === ancestor) return true;
      at = this.parentOf(at);
    }
    return false;
  }

  /** A copy that later recording does not change. */
  snapshot(): OperationTable {
    const copy = new OperationTable();
    copy.firstId = this.firstId;
    copy.count = this.count;
    copy.parents = this.parents.slice(0, Math.max(1, this.count));
    copy.keys = this.keys.slice(0, Math.max(1, this.count));
    for (const [name, key] of this.keyIndex) copy.keyIndex.set(name, key);
    copy.components.push(...this.components);
    copy.operations.push(...this.operations);
    return copy;
  }
}

function grow(values: Int32Array): Int32Array {
  const bigger = new Int32Array(values.length * 2);
  bigger.set(values);
  return bigger;
}
