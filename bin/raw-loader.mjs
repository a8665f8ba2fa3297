// Node ESM loader hook: `import src from './x.wgsl?raw'` yields the file's text, as Vite does,
// so the CLI runs the very same shader imports as the browser app and the tests.
import { readFile } from 'node:fs/promises';

export async function load(url, context, nextLoad) {
  if (url.startsWith('file:') && url.endsWith('?raw')) {
    const text = await readFile(new URL(url.slice(0, -4)), 'utf8');
    return { format: 'module', source: `export default ${JSON.stringify(text)};`, shortCircuit: true };
  }
  return nextLoad(url, context);
}
