'use strict';
// Builds the web view's page into dist/page: the TypeScript sources of src/page bundled with
// esbuild into one app.js (uPlot included) and one app.css, plus index.html and the icon. Nothing
// is fetched at run time: the server serves these files only. Run by `npm run build` after tsc
// (which type-checks src/page), and by the tests' global setup so they never serve a stale page.
// Prints the page's size.
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');

const PACKAGE_DIR = path.resolve(__dirname, '..');
const SRC = path.join(PACKAGE_DIR, 'src', 'page');
const OUT = path.join(PACKAGE_DIR, 'dist', 'page');

/** Bundles the page; returns each file's size and gzip size in bytes. */
async function bundlePage() {
  const esbuild = require('esbuild');
  fs.mkdirSync(OUT, { recursive: true });
  await esbuild.build({
    entryPoints: [path.join(SRC, 'main.ts')],
    bundle: true,
    minify: true,
    format: 'iife',
    // What Chromium, Firefox and Safari of the last few years run.
    target: ['chrome100', 'firefox100', 'safari15'],
    outfile: path.join(OUT, 'app.js'),
    tsconfig: path.join(SRC, 'tsconfig.json'),
    legalComments: 'eof',
    logLevel: 'warning',
  });
  for (const file of ['index.html', 'favicon.svg']) fs.copyFileSync(path.join(SRC, file), path.join(OUT, file));
  const sizes = {};
  for (const file of ['index.html', 'app.js', 'app.css', 'favicon.svg']) {
    const body = fs.readFileSync(path.join(OUT, file));
    sizes[file] = { bytes: body.length, gzip: zlib.gzipSync(body).length };
  }
  return sizes;
}

module.exports = { bundlePage, PAGE_OUT: OUT };

if (require.main === module) {
  bundlePage().then(
    (sizes) => {
      const total = Object.values(sizes).reduce((n, s) => n + s.bytes, 0);
      const gzip = Object.values(sizes).reduce((n, s) => n + s.gzip, 0);
      const parts = Object.entries(sizes).map(([f, s]) => `${f} ${(s.bytes / 1024).toFixed(1)} KiB`);
      console.log(
        `${path.relative(process.cwd(), OUT)}: ${(total / 1024).toFixed(0)} KiB (${(gzip / 1024).toFixed(0)} KiB gzipped): ${parts.join(', ')}`,
      );
    },
    (err) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
