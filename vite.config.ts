import { defineConfig } from 'vite';

// The browser app (src/app) is served by `npm start` and built into dist/ with relative asset
// paths so the static site can be hosted from any folder. Two pages: the live view (index.html)
// and compare mode with the sweep viewer (compare.html).
export default defineConfig({
  base: './',
  build: { outDir: 'dist', target: 'es2022', rollupOptions: { input: { main: 'index.html', compare: 'compare.html' } } },
});
