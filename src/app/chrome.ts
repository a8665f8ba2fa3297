// DOM pieces both app modes share (src/app/app.ts on WebGPU, src/app/cpuApp.ts on the CPU worker): the
// colour bar beside the field and the message stack over it.

import { formatTick } from './exporters.ts';
import { cssGradient, ticks, type LayerSpec } from './layers.ts';

/** The colour bar: the layer's name and unit, the colour map, and ticks over [lo, hi]; a categorical layer lists its colours. */
export function renderColorBar(bar: HTMLElement, layer: LayerSpec, [lo, hi]: readonly [number, number], colormapName: string): void {
  bar.innerHTML = '';
  const title = document.createElement('div');
  title.className = 'cb-title';
  title.textContent = `${layer.label} [${layer.unit}]`;
  if (layer.legend) {
    const list = document.createElement('div');
    list.className = 'cb-legend';
    for (const e of layer.legend) {
      const row = document.createElement('div');
      const chip = document.createElement('span');
      chip.className = 'cb-chip';
      chip.style.background = `rgb(${e.rgb.join(',')})`;
      row.append(chip, e.label);
      list.appendChild(row);
    }
    bar.append(title, list);
    return;
  }
  const grad = document.createElement('div');
  grad.className = 'cb-gradient';
  grad.style.background = cssGradient(colormapName);
  const labels = document.createElement('div');
  labels.className = 'cb-ticks';
  for (const t of ticks(lo, hi)) {
    const s = document.createElement('span');
    s.style.bottom = `${((t - lo) / (hi - lo)) * 100}%`;
    s.textContent = formatTick(t);
    labels.appendChild(s);
  }
  bar.append(title, grad, labels);
}

/**
 * A message over the field: notes fade after 8 s, errors stay until dismissed; at most `keep` are shown.
 * A pinned element (the CPU mode's banner) stays on top.
 */
export function showMessage(container: HTMLElement, msg: string, kind: 'note' | 'error', keep = 4): void {
  const item = document.createElement('div');
  item.className = `msg ${kind}`;
  item.textContent = msg;
  const close = document.createElement('button');
  close.textContent = '×';
  close.title = 'dismiss';
  close.onclick = () => item.remove();
  item.appendChild(close);
  const pinned = container.querySelector('.pinned');
  if (pinned) pinned.after(item);
  else container.prepend(item);
  while (container.children.length > keep + (pinned ? 1 : 0)) container.lastElementChild?.remove();
  if (kind === 'note') setTimeout(() => item.remove(), 8000);
}

/** The messages shown, for automation (tests, scripting). */
export function listMessages(container: HTMLElement): { kind: string; text: string }[] {
  return [...container.querySelectorAll('.msg:not(.pinned)')].map((m) => ({ kind: m.classList.contains('error') ? 'error' : 'note', text: m.firstChild?.textContent ?? '' }));
}

/** Copies a share link to the clipboard, or shows it to copy by hand where the clipboard is refused. */
export async function copyLink(url: string, note: (msg: string) => void): Promise<void> {
  try {
    await navigator.clipboard.writeText(url);
    note(`Share link copied: ${url}`);
  } catch {
    note(`Share link (copy it): ${url}`);
  }
}

/** Opens the file picker for a scenario JSON file and hands over its text. */
export function pickJsonFile(load: (text: string, name: string) => Promise<void>, error: (msg: string) => void): void {
  const input = document.createElement('input');
  input.type = 'file';
  input.accept = '.json,application/json';
  input.onchange = async () => {
    const f = input.files?.[0];
    if (!f) return;
    try {
      await load(await f.text(), f.name);
    } catch (e) {
      error(`${f.name}: ${(e as Error).message}`);
    }
  };
  input.click();
}
