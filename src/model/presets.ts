// The scenarios shipped with the repository (public/scenarios, also served to the browser app).
import planarLiFoil from '../../public/scenarios/planar-li-foil.json';
import hong2018 from '../../public/scenarios/hong2018.json';
import sandColumn from '../../public/scenarios/sand-column.json';
import bareCu from '../../public/scenarios/bare-cu.json';
import liFoil from '../../public/scenarios/li-foil.json';
import auSeededCu from '../../public/scenarios/au-seeded-cu.json';
import carbonFibreHost from '../../public/scenarios/carbon-fibre-host.json';
import znoCarbonFibreHost from '../../public/scenarios/zno-carbon-fibre-host.json';
import cuPillarHost from '../../public/scenarios/cu-pillar-host.json';
import highConcentration from '../../public/scenarios/high-concentration.json';
import singleIon from '../../public/scenarios/single-ion.json';
import nativeSei from '../../public/scenarios/native-sei.json';
import li2sSei from '../../public/scenarios/li2s-sei.json';
import garnet from '../../public/scenarios/garnet.json';
import sandDendrites from '../../public/scenarios/sand-dendrites.json';
import diffusionLimitedDendrites from '../../public/scenarios/diffusion-limited-dendrites.json';
import firstDendrites from '../../public/scenarios/first-dendrites.json';
import liCuBare from '../../public/scenarios/li-cu-bare.json';
import liCuBare3ma from '../../public/scenarios/li-cu-bare-3ma.json';
import liCuAuSeeded from '../../public/scenarios/li-cu-au-seeded.json';
import liCuZnoFibre from '../../public/scenarios/li-cu-zno-fibre.json';
import liLiSymmetric from '../../public/scenarios/li-li-symmetric.json';

export interface Preset {
  /** as in the file: `$schema` (the editor's JSON Schema, public/scenario.schema.json), then the sections */
  scenario: { $schema?: string; about: { name: string; description: string; sources: string } } & Record<string, unknown>;
}

export const PRESETS: Record<string, Preset> = {
  'planar-li-foil': { scenario: planarLiFoil },
  hong2018: { scenario: hong2018 },
  'sand-column': { scenario: sandColumn },
  'bare-cu': { scenario: bareCu },
  'li-foil': { scenario: liFoil },
  'au-seeded-cu': { scenario: auSeededCu },
  'carbon-fibre-host': { scenario: carbonFibreHost },
  'zno-carbon-fibre-host': { scenario: znoCarbonFibreHost },
  'cu-pillar-host': { scenario: cuPillarHost },
  'high-concentration': { scenario: highConcentration },
  'single-ion': { scenario: singleIon },
  'native-sei': { scenario: nativeSei },
  'li2s-sei': { scenario: li2sSei },
  garnet: { scenario: garnet },
  'sand-dendrites': { scenario: sandDendrites },
  'diffusion-limited-dendrites': { scenario: diffusionLimitedDendrites },
  'first-dendrites': { scenario: firstDendrites },
  'li-cu-bare': { scenario: liCuBare },
  'li-cu-bare-3ma': { scenario: liCuBare3ma },
  'li-cu-au-seeded': { scenario: liCuAuSeeded },
  'li-cu-zno-fibre': { scenario: liCuZnoFibre },
  'li-li-symmetric': { scenario: liLiSymmetric },
};
