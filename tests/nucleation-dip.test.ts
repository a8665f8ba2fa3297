// The nucleation overpotential (dip minus plateau) from a voltage trace: src/analysis/nucleationDip.ts.
import { describe, expect, it } from 'vitest';
import { feedDip, newDipState, nucleationOverpotential_mV, SETTLE_FRACTION } from '../src/analysis/nucleationDip.ts';

function trace(points: [number, boolean][]) {
  const s = newDipState();
  points.forEach(([phi_mV, nucleated], k) => feedDip(s, phi_mV / 1000, k, nucleated));
  return s;
}

describe('nucleation overpotential: dip minus plateau', () => {
  it('a trace that only falls has none (NaN: no settled dip)', () => {
    const s = trace([[0, false], [-10, false], [-20, false], [-25, true], [-28, true]]);
    expect(nucleationOverpotential_mV(s)).toBeNaN();
    expect(s.settled).toBe(false);
  });

  it('an overshoot without nuclei (Li foil: double layer, polarisation) is not a nucleation dip', () => {
    const s = trace([[0, false], [-30.8, false], [-24.7, false], [-25, false]]);
    expect(s.settled).toBe(false);
    expect(nucleationOverpotential_mV(s)).toBeNaN();
  });

  it('bare-Cu shape: the dip settles once nuclei exist and the potential recovers; a later deeper excursion does not replace it', () => {
    const s = trace([[0, false], [-80, false], [-129, true], [-90, true], [-40, true], [-30.5, true], [-45, true], [-160, true], [-60, true]]);
    expect(s.settled).toBe(true);
    expect(s.dip_V * 1000).toBeCloseTo(-129, 9);
    expect(s.dipTime_s).toBe(2);
    expect(nucleationOverpotential_mV(s)).toBeCloseTo(129 - 30.5, 9);
  });

  it('a recovery without nuclei does not settle the dip (a deeper minimum later takes its place)', () => {
    const s = trace([[0, false], [-50, false], [-30, false], [-100, true], [-70, true]]);
    expect(s.dip_V * 1000).toBeCloseTo(-100, 9);
    expect(nucleationOverpotential_mV(s)).toBeCloseTo(30, 9);
  });

  it(`a wobble below ${SETTLE_FRACTION} of the depth does not settle it`, () => {
    const small = 100 * SETTLE_FRACTION * 0.5;
    const s = trace([[0, true], [-100, true], [-100 + small, true], [-120, true], [-60, true]]);
    expect(s.dip_V * 1000).toBeCloseTo(-120, 9);
    expect(nucleationOverpotential_mV(s)).toBeCloseTo(60, 9);
  });
});
