// Run progress on the terminal. On a TTY: one line redrawn in place (at most ~5 times a second)
// with a bar, the fraction of simulated time (or charge) done, t, steps/s and ETA. Otherwise:
// plain lines, at most one every ~2 s, and one at the end, e.g.
//   t=12.3 s (41%) step 1200  230 steps/s  ETA 00:17

export interface ProgressSample {
  time_s: number;
  steps: number;
  /** needed when the target is a charge */
  charge_mAh_cm2?: number;
  /** a cycling protocol: the cycle in progress (1-based), the cycles completed and the phase */
  cycle?: { n: number; done: number; phase: string };
}

export interface ProgressOptions {
  stream: { write(s: string): unknown };
  isTTY: boolean;
  /** what the percentage is of */
  target: { kind: 'time'; until_s: number } | { kind: 'charge'; charge_mAh_cm2: number } | { kind: 'cycles'; cycles: number };
  /** terminal width for the bar (TTY only); default 80 */
  columns?: number;
  /** wall clock in ms; default performance.now */
  now?: () => number;
  ttyIntervalMs?: number;
  plainIntervalMs?: number;
  /** where a resumed run starts (its checkpoint): the rate and ETA count from there; default step 0 */
  from?: ProgressSample;
}

const WINDOW_MS = 10_000;

/** 'mm:ss', or 'h:mm:ss' from an hour on; '--:--' when unknown. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(sec).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** A number with about 3–4 significant digits, without exponent for everyday magnitudes. */
export function formatSig(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a >= 1e5 || a < 1e-3) return v.toExponential(2);
  if (a >= 100) return v.toFixed(0);
  return String(Number(v.toPrecision(3)));
}

export class Progress {
  private readonly now: () => number;
  private readonly start: number;
  private lastDraw = -Infinity;
  private lastPlain: number;
  private samples: { wall: number; steps: number; frac: number }[] = [];
  private latest: ProgressSample | undefined;
  private drawnTTY = false;
  private finished = false;

  constructor(private readonly opts: ProgressOptions) {
    this.now = opts.now ?? (() => performance.now());
    this.start = this.now();
    this.lastPlain = this.start;
    const from = opts.from ?? { time_s: 0, steps: 0, charge_mAh_cm2: 0 };
    this.samples.push({ wall: this.start, steps: from.steps, frac: this.fraction(from) });
  }

  fraction(s: ProgressSample): number {
    const t = this.opts.target;
    const f = t.kind === 'time' ? s.time_s / t.until_s : t.kind === 'cycles' ? (s.cycle?.done ?? 0) / t.cycles : (s.charge_mAh_cm2 ?? 0) / t.charge_mAh_cm2;
    return Number.isFinite(f) ? Math.min(1, Math.max(0, f)) : 0;
  }

  update(s: ProgressSample): void {
    if (this.finished) return;
    const wall = this.now();
    this.latest = s;
    this.samples.push({ wall, steps: s.steps, frac: this.fraction(s) });
    while (this.samples.length > 2 && wall - this.samples[0].wall > WINDOW_MS) this.samples.shift();
    if (this.opts.isTTY) {
      if (wall - this.lastDraw >= (this.opts.ttyIntervalMs ?? 200)) {
        this.lastDraw = wall;
        this.drawTTY();
      }
    } else if (wall - this.lastPlain >= (this.opts.plainIntervalMs ?? 2000)) {
      this.lastPlain = wall;
      this.opts.stream.write(this.line() + '\n');
    }
  }

  /** Print a message without tearing the progress line. */
  log(message: string): void {
    if (this.opts.isTTY && this.drawnTTY) {
      this.opts.stream.write('\r\x1b[K' + message + '\n');
      this.drawTTY();
    } else {
      this.opts.stream.write(message + '\n');
    }
  }

  /** Final line (always printed once, if any sample arrived). */
  finish(final?: ProgressSample): void {
    if (this.finished) return;
    if (final) this.update(final);
    this.finished = true;
    if (!this.latest) return;
    if (this.opts.isTTY) {
      this.drawTTY();
      this.opts.stream.write('\n');
    } else {
      this.opts.stream.write(this.line() + '\n');
    }
  }

  /** steps/s over the recent window (~10 s of wall time). */
  stepsPerSecond(): number {
    const n = this.samples.length;
    if (n < 2) return NaN;
    const a = this.samples[0];
    const b = this.samples[n - 1];
    const dt = (b.wall - a.wall) / 1000;
    return dt > 0 ? (b.steps - a.steps) / dt : NaN;
  }

  etaSeconds(): number {
    const n = this.samples.length;
    if (n < 2) return NaN;
    const a = this.samples[0];
    const b = this.samples[n - 1];
    if (b.frac >= 1) return 0;
    const df = b.frac - a.frac;
    const dt = (b.wall - a.wall) / 1000;
    return df > 0 && dt > 0 ? ((1 - b.frac) * dt) / df : NaN;
  }

  /** The plain progress text, e.g. `t=12.3 s (41%) step 1200  230 steps/s  ETA 00:17`. */
  line(): string {
    const s = this.latest;
    if (!s) return '';
    const pct = Math.floor(this.fraction(s) * 100);
    const sps = this.stepsPerSecond();
    const spsText = Number.isFinite(sps) ? `${formatSig(sps)} steps/s` : '-- steps/s';
    const charge =
      this.opts.target.kind === 'charge' ? ` Q=${formatSig(s.charge_mAh_cm2 ?? 0)} mAh/cm²` : '';
    const t = this.opts.target;
    const cycle = t.kind === 'cycles' && s.cycle ? `cycle ${s.cycle.n}/${t.cycles} ${s.cycle.phase.replace(/_/g, ' ')} ` : '';
    return `${cycle}t=${formatSig(s.time_s)} s${charge} (${pct}%) step ${s.steps}  ${spsText}  ETA ${formatDuration(this.etaSeconds())}`;
  }

  private drawTTY(): void {
    if (!this.latest) return;
    const text = this.line();
    const columns = this.opts.columns || 80;
    const barWidth = Math.max(0, Math.min(30, columns - text.length - 4));
    let bar = '';
    if (barWidth >= 5) {
      const filled = Math.round(this.fraction(this.latest) * barWidth);
      bar = '[' + '#'.repeat(filled) + '-'.repeat(barWidth - filled) + '] ';
    }
    this.opts.stream.write('\r\x1b[K' + (bar + text).slice(0, Math.max(1, columns - 1)));
    this.drawnTTY = true;
  }
}
