import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

// The app is served by `lantern serve` at the site's root; relative asset
// paths keep it working from any folder too. In development (`npm run dev`)
// the API is proxied to the mock or a real server (LANTERN_URL).
export default defineConfig({
  base: './',
  plugins: [preact()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2020',
    modulePreload: { polyfill: false },
    reportCompressedSize: true,
  },
  server: {
    proxy: { '/api': process.env.LANTERN_URL || 'http://127.0.0.1:8080' },
  },
});
