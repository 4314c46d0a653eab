import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

const here = path.dirname(fileURLToPath(import.meta.url));

// The marker that `lantern scorecard --pages` replaces with a school's data
// (src/offline.jsx): the single file must hold it exactly once.
const OFFLINE_MARKER = '__LANTERN_OFFLINE_DATA__';

// Text that is safe inside <script> and <style>: nothing in it can end the
// element ("</script") or start an HTML comment ("<!--") that would change
// how the parser looks for the end. "\x3C" is "<" in a JS string, template
// or regular expression, the only places those can occur in bundled code;
// "\3C " is "<" in CSS.
const scriptSafe = (code) => code.replace(/<(\/script|!--)/gi, '\\x3C$1');
const styleSafe = (css) => css.replace(/<(\/style|!--)/gi, '\\3C $1');

// Puts every emitted script and stylesheet into the HTML page `from`, writes
// it as `to` and fails the build if anything is left outside it or the
// offline marker is not there exactly once.
function singleFile({ from, to }) {
  function inline(bundle) {
    const page = bundle[from];
    if (!page || page.type !== 'asset') this.error(`single file: no ${from} in the bundle`);
    const take = (ref, type) => {
      const name = ref.replace(/^(\.\/|\/)/, '');
      const item = bundle[name];
      if (!item || item.type !== type) this.error(`single file: cannot inline ${ref}`);
      delete bundle[name];
      return type === 'chunk' ? item.code : String(item.source);
    };
    let html = String(page.source);
    // Functions as replacements, so "$&" and the like in the code stay as they are.
    html = html.replace(/<script\b[^>]*\bsrc="([^"]+)"[^>]*><\/script>/g, (_tag, src) => `<script type="module">${scriptSafe(take(src, 'chunk'))}</script>`);
    html = html.replace(/<link\b[^>]*>/g, (tag) => {
      const rel = /\brel="([^"]*)"/.exec(tag)?.[1] || '';
      const href = /\bhref="([^"]*)"/.exec(tag)?.[1] || '';
      if (rel === 'stylesheet') return `<style>${styleSafe(take(href, 'asset'))}</style>`;
      if (rel === 'modulepreload') return '';
      if (href && !/^(data:|#)/.test(href)) this.error(`single file: a <link> to another file: ${tag}`);
      return tag;
    });
    delete bundle[from];
    const left = Object.keys(bundle);
    if (left.length) this.error(`single file: not inlined: ${left.join(', ')}`);
    const markers = html.split(OFFLINE_MARKER).length - 1;
    if (markers !== 1) this.error(`single file: ${markers} copies of the marker ${OFFLINE_MARKER} (want exactly one)`);
    if (/<script\b[^>]*\bsrc=|<link\b[^>]*\brel="stylesheet"/.test(html)) this.error('single file: an external script or stylesheet is left');
    if (/__VITE_PRELOAD__|__vite__mapDeps/.test(html)) this.error('single file: a Vite preload marker is left in the code');
    this.emitFile({ type: 'asset', fileName: to, source: html });
  }
  return {
    name: 'lantern-single-file',
    apply: 'build',
    enforce: 'post',
    // The last generateBundle hook of all: Vite's own (which rewrites the
    // import() preload markers, among others) must be done with the code.
    generateBundle: {
      order: 'post',
      handler(_options, bundle) {
        inline.call(this, bundle);
      },
    },
  };
}

// The app is served by `lantern serve` at the site's root; relative asset
// paths keep it working from any folder too. In development (`npm run dev`)
// the API is proxied to the mock or a real server (LANTERN_URL).
//
// `vite build --mode single` (the second half of `npm run build`) builds
// offline.html instead, as one self-contained file:
// dist-single/scorecard.html, the template of `lantern scorecard --pages`.
export default defineConfig(({ mode }) => {
  if (mode === 'single') {
    return {
      base: './',
      publicDir: false,
      plugins: [preact(), singleFile({ from: 'offline.html', to: 'scorecard.html' })],
      build: {
        outDir: 'dist-single',
        emptyOutDir: true,
        target: 'es2020',
        modulePreload: false,
        cssCodeSplit: false,
        assetsInlineLimit: () => true,
        reportCompressedSize: true,
        rolldownOptions: {
          input: path.join(here, 'offline.html'),
          // Plot, loaded with import() in the app, goes into the one script.
          output: { codeSplitting: false },
        },
      },
    };
  }
  return {
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
  };
});
