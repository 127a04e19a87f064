import type { Database, Statement } from 'better-sqlite3';
import type { Resource } from '@opentelemetry/resources';

/**
 * Interns OTel resources (service name, pid, host …) into the `resources` table of a database and
 * remembers their ids, so each span or point row stores one integer instead of the whole resource.
 */
export class ResourceIds {
  private byObject = new WeakMap<Resource, number>();
  private readonly byJson = new Map<string, number>();
  private readonly insert: Statement;
  private readonly select: Statement;

  constructor(db: Database) {
    this.insert = db.prepare('INSERT OR IGNORE INTO resources (service_name, attributes) VALUES (?, ?)');
    this.select = db.prepare('SELECT id FROM resources WHERE attributes = ?').pluck();
  }

  /** Forgets every id: the transaction that created some of them was rolled back. */
  forget(): void {
    this.byObject = new WeakMap();
    this.byJson.clear();
  }

  idOf(resource: Resource): number {
    const known = this.byObject.get(resource);
    if (known !== undefined) return known;
    const attributes = resource.attributes;
    const json = JSON.stringify(attributes);
    let id = this.byJson.get(json);
    if (id === undefined) {
      const service = attributes['service.name'];
      this.insert.run(typeof service === 'string' ? service : null, json);
      id = this.select.get(json) as number;
      this.byJson.set(json, id);
    }
    this.byObject.set(resource, id);
    return id;
  }
}
