// A tiny WGSL preprocessor: `#include "name"` pastes a registered chunk once per module
// (shaders/common.wgsl, the generated Params struct, ...). Everything else passes through.

export type ChunkTable = Record<string, string>;

const INCLUDE = /^[ \t]*#include\s+"([^"]+)"[ \t]*$/gm;

export function preprocess(source: string, chunks: ChunkTable, seen: Set<string> = new Set()): string {
  return source.replace(INCLUDE, (_line, name: string) => {
    if (seen.has(name)) return `// #include "${name}" (already included)`;
    const chunk = chunks[name];
    if (chunk === undefined) {
      throw new Error(`WGSL #include "${name}": no such chunk (known: ${Object.keys(chunks).sort().join(', ')})`);
    }
    seen.add(name);
    return `// ---- begin ${name}\n${preprocess(chunk, chunks, seen)}\n// ---- end ${name}`;
  });
}
