import { badRequest } from '../httpError';

/** A profile id from the path: a positive whole number. */
export function profileIdOf(raw: string): number {
  const id = /^[1-9][0-9]{0,15}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(id)) throw badRequest(`profile id ${JSON.stringify(raw)} is not a positive whole number`);
  return id;
}
