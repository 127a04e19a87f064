import type { Database, Statement } from 'better-sqlite3';
import type { Resource } from '@opentelemetry/resources';

const jsonOfResource = new WeakMap<Resource, string>();

/**
 * A resource's attributes as the JSON the `resources` table keys on, made once per resource
 * object (an SDK hands the same object with every span and metric collection).
 */
export function resourceJson(resource: Resource): string {
  let json = jsonOfResource.get(resource);
  if (json === undefined) {
    json = JSON.stringify(resource.attributes);
    jsonOfResource.set(resource, json);
  }
  return json;
}

/**
 * Interns OTel resources (service name, pid, host …), given as their attributes' JSON, into the
 * `resources` table of a database and remembers their ids, so each span or point row stores one
 * integer instead of the whole resource.
 */
export class ResourceIds {
  private readonly byJson = new Map<string, number>();
  private readonly insert: Statement;
  private readonly select: Statement;

  constructor(db: Database) {
    this.insert = db.prepare('INSERT OR IGNORE INTO resources (service_name, attributes) VALUES (?, ?)');
    this.select = db.prepare('SELECT id FROM resources WHERE attributes = ?').pluck();
  }

  /** Forgets every id: the transaction that created some of them was rolled back. */
  forget(): void {
    this.byJson.clear();
  }

  idOf(json: string): number {
    let id = this.byJson.get(json);
    if (id === undefined) {
      const service = (JSON.parse(json) as Record<string, unknown>)['service.name'];
      this.insert.run(typeof service === 'string' ? service : null, json);
      id = this.select.get(json) as number;
      this.byJson.set(json, id);
    }
    return id;
  }
}
