// Atomic file replacement: readers see the old file or the complete new one, never a torn one.
// Write a temporary file in the same directory (same file system), fsync it, rename it over the
// target, then fsync the directory so the rename itself survives a power cut (best effort).

import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

let counter = 0;

function tempPathFor(path: string): string {
  const rand = Math.random().toString(36).slice(2, 8);
  return join(dirname(path), `.${basename(path)}.${process.pid}.${counter++}.${rand}.tmp`);
}

function toBytes(data: string | Uint8Array): Uint8Array {
  return typeof data === 'string' ? new TextEncoder().encode(data) : data;
}

function fsyncDirSync(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Not every platform/file system allows opening or syncing a directory.
  }
}

/** Atomically replace `path` with `data`. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = tempPathFor(path);
  const bytes = toBytes(data);
  let renamed = false;
  try {
    const fh = await open(tmp, 'wx', 0o644);
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
    renamed = true;
    fsyncDirSync(dirname(path));
  } finally {
    if (!renamed) await unlink(tmp).catch(() => undefined);
  }
}

/** Synchronous variant, for exit paths where the event loop may not run again. */
export function writeFileAtomicSync(path: string, data: string | Uint8Array): void {
  const tmp = tempPathFor(path);
  const bytes = toBytes(data);
  let renamed = false;
  try {
    const fd = openSync(tmp, 'wx', 0o644);
    try {
      let off = 0;
      while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
    renamed = true;
    fsyncDirSync(dirname(path));
  } finally {
    if (!renamed) {
      try {
        unlinkSync(tmp);
      } catch {
        // already gone
      }
    }
  }
}
