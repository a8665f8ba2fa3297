// The scenarios shipped with the repository (public/scenarios, also served to the browser app).
import planarLiFoil from '../../public/scenarios/planar-li-foil.json';
import hong2018 from '../../public/scenarios/hong2018.json';
import sandColumn from '../../public/scenarios/sand-column.json';

export interface Preset {
  scenario: { about: { name: string; description: string; sources: string } } & Record<string, Record<string, unknown>>;
}

export const PRESETS: Record<string, Preset> = {
  'planar-li-foil': { scenario: planarLiFoil },
  hong2018: { scenario: hong2018 },
  'sand-column': { scenario: sandColumn },
};
