import { profileDetail } from '@transcriber/queries';
import type { ProfileResponse } from '../../shared/apiTypes';
import type { ApiHandler } from '../apiHandler';
import { read } from '../dataAccess';
import { HttpError } from '../httpError';
import { profileIdOf } from './profileId';

/** `/api/profiles/<id>`: one profile: hot spots, call graph, memory and leak verdict, components. */
export const profileApi: ApiHandler = {
  params: [],
  handle({ dataDir, match }): ProfileResponse {
    const id = profileIdOf(match[0]);
    const profile = read(dataDir, 'profile_results', (db) => profileDetail(db, id));
    if (profile === undefined) throw new HttpError(404, `no profile ${id} in ${dataDir}`);
    return { profile };
  },
};
