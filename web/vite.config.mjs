// Builds the browser pages (demo, doctor, console) into dist/web, served by Tessera itself.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: '/',
  logLevel: 'warn',
  build: {
    outDir: here('../dist/web'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
    rollupOptions: {
      input: { demo: here('index.html'), doctor: here('doctor/index.html'), console: here('console/index.html') },
    },
  },
});
