import { listProfiles } from '@transcriber/queries';
import type { ProfilesResponse } from '../../shared/apiTypes';
import type { ApiHandler } from '../apiHandler';
import { readOrMissing } from '../dataAccess';

/** `/api/profiles`: the stored profiles of the window, newest first. */
export const profilesApi: ApiHandler = {
  params: ['minutes', 'from', 'to', 'service', 'component', 'kind', 'limit'],
  handle({ dataDir, params }): ProfilesResponse {
    const window = params.window(24 * 60);
    const service = params.service();
    const component = params.component(['process']);
    const kind = params.oneOf('kind', ['any', 'operation', 'process'] as const, 'any');
    const limit = params.number('limit', { min: 1, max: 1000, integer: true }) ?? 100;
    const empty: ProfilesResponse = { window, service: service ?? null, profiles: [] };
    return readOrMissing(
      dataDir,
      'profile_results',
      (db) => ({
        ...empty,
        profiles: listProfiles(db, { ...window, service, component, kind: kind === 'any' ? undefined : kind, limit }),
      }),
      empty,
    );
  },
};
