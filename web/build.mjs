// Bundles the browser pages into OUTDIR: the playground (index.html, playground.js,
// playground.css), the graph explorer (explore.html, its script, an ES module, and its
// styles inline, with the modules it fetches when needed, geo.js and fcose.js) and
// LICENSES.txt (the licence texts of every third-party package in any bundle).
//
// Usage: node build.mjs OUTDIR   (run from any directory; build.rs runs it)
import { build } from 'esbuild';
import { getIntrospectionQuery } from 'graphql';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const outdir = process.argv[2];
if (!outdir) {
  console.error('usage: node build.mjs OUTDIR');
  process.exit(2);
}

/** The pages: esbuild entry point name -> [entry source, HTML page copied beside it]. */
const PAGES = {
  playground: ['playground/index.jsx', 'playground/index.html'],
  explore: ['explorer/explore.jsx', 'explorer/explore.html'],
};

/**
 * Drops the `@font-face` rules of the packages' style sheets: GraphiQL's inlines Roboto and
 * Fira Code as data URIs, 354 KB of the playground's 411 KB of CSS. The pages use the
 * system's fonts instead (playground.css sets GraphiQL's font variables).
 */
const withoutWebFonts = {
  name: 'without-web-fonts',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/].*\.css$/ }, async (args) => {
      const css = await fs.promises.readFile(args.path, 'utf8');
      // A data URI holds no braces, so a rule ends at its first closing brace.
      return { contents: css.replace(/@font-face\s*\{[^}]*\}/g, ''), loader: 'css' };
    });
  },
};

/**
 * Hands graphiql-explorer (CommonJS) the few graphql names it uses, from ES modules, so that
 * graphql is bundled once as ES modules and tree-shaken (see playground/graphql-for-explorer.js).
 */
const graphqlForExplorer = {
  name: 'graphql-for-explorer',
  setup(b) {
    b.onResolve({ filter: /^graphql$/ }, (args) =>
      /[\\/]graphiql-explorer[\\/]/.test(args.importer)
        ? { path: path.join(here, 'playground', 'graphql-for-explorer.js') }
        : undefined,
    );
  },
};

/** Hands @graphiql/react tabs that cannot be dragged instead of framer-motion
 * (see playground/tabs-without-drag.js). */
const tabsWithoutDrag = {
  name: 'tabs-without-drag',
  setup(b) {
    b.onResolve({ filter: /^framer-motion$/ }, () => ({ path: path.join(here, 'playground', 'tabs-without-drag.js') }));
  },
};

/** Hands markdown-it the browser's decoding of character references instead of the
 * entities package (see playground/entities-from-the-browser.js). */
const entitiesFromTheBrowser = {
  name: 'entities-from-the-browser',
  setup(b) {
    b.onResolve({ filter: /^entities$/ }, (args) =>
      /[\\/]markdown-it[\\/]/.test(args.importer)
        ? { path: path.join(here, 'playground', 'entities-from-the-browser.js') }
        : undefined,
    );
  },
};

/**
 * cytoscape's modules that the explorer's bundle replaces: cytoscape is bundled from its own
 * sources (`cytoscape/src`, shipped in its npm package) instead of its prebuilt single file,
 * so that what the explorer never calls is left out: the graph algorithms but breadth- and
 * depth-first search (which `components()` uses), the built-in layouts but null, preset, grid
 * and random (the explorer lays out with fcose, registered at run time), and the WebGL
 * renderer (only used with `webgl: true`, which the explorer never sets). The rest is
 * cytoscape's own code, unchanged. Each key is a path under `cytoscape/src`; each value the
 * module that replaces it, its imports relative to the file it replaces.
 */
const CYTOSCAPE_TRIMMED = {
  'collection/algorithms/index.mjs': `import bfsDfs from './bfs-dfs.mjs';
    export default Object.assign({}, bfsDfs);`,
  'extensions/layout/index.mjs': `import gridLayout from './grid.mjs';
    import nullLayout from './null.mjs';
    import presetLayout from './preset.mjs';
    import randomLayout from './random.mjs';
    export default [
      { name: 'grid', impl: gridLayout },
      { name: 'null', impl: nullLayout },
      { name: 'preset', impl: presetLayout },
      { name: 'random', impl: randomLayout },
    ];`,
  'extensions/renderer/canvas/webgl/drawing-redraw-webgl.mjs': `export default {
      initWebgl() { throw new Error('this build of cytoscape has no WebGL renderer'); },
    };`,
};

/** Bundles cytoscape from its sources with the modules of `CYTOSCAPE_TRIMMED` replaced. */
const cytoscapeTrimmed = {
  name: 'cytoscape-trimmed',
  setup(b) {
    const src = path.join(here, 'node_modules', 'cytoscape', 'src');
    const version = JSON.parse(fs.readFileSync(path.join(src, '..', 'package.json'), 'utf8')).version;
    b.onResolve({ filter: /^cytoscape$/ }, () => ({ path: path.join(src, 'index.mjs') }));
    b.onLoad({ filter: /[\\/]cytoscape[\\/]src[\\/].*\.mjs$/ }, async (args) => {
      const rel = path.relative(src, args.path).split(path.sep).join('/');
      if (rel === 'version.mjs') return { contents: `export default ${JSON.stringify(version)};`, loader: 'js' };
      const replaced = CYTOSCAPE_TRIMMED[rel];
      if (replaced === undefined) return undefined;
      return { contents: replaced, loader: 'js', resolveDir: path.dirname(args.path) };
    });
  },
};

/** Where a page wants the script of `earlySchemaScript`. */
const EARLY_SCHEMA_MARK = /<!-- early-schema:[^>]*-->/;

/**
 * A script that asks for the schema as the page starts, while playground.js downloads,
 * instead of once GraphiQL runs: on a slow network that saves a round trip and the answer's
 * transfer. The playground's fetcher hands this answer to GraphiQL's first introspection
 * when the query is the same text; the query is graphql's own getIntrospectionQuery() with
 * GraphiQL's default options (the same graphql package as the bundle's).
 */
function earlySchemaScript() {
  const query = JSON.stringify(getIntrospectionQuery()).replace(/</g, '\\u003c');
  return `<script>
      window.dgEarlySchema = (function (query) {
        var body = JSON.stringify({ query: query, operationName: 'IntrospectionQuery' });
        var headers = { Accept: 'application/graphql-response+json, application/json', 'Content-Type': 'application/json' };
        var text = fetch('/graphql', { method: 'POST', headers: headers, body: body, credentials: 'same-origin' })
          .then(function (r) { return r.ok ? r.text() : null; })
          .catch(function () { return null; });
        return { query: query, text: text };
      })(${query});
    </script>`;
}

/**
 * The explorer's modules fetched when first needed rather than before the page is usable
 * (`import('./geo.js')` in the explorer's code): the map's outlines and projection, and the
 * force-directed layout. Each is an entry point of its own, bundled whole (they share no
 * code with the page), and the page imports it by the content-hashed name the server gives
 * it (see `linkLazyModules`), so it may be cached forever like the page's script.
 */
const LAZY = { geo: 'explorer/geo.js', fcose: 'explorer/fcose.js' };

/** Leaves the explorer's dynamic imports of `LAZY` modules as they are (not bundled in). */
const lazyModules = {
  name: 'lazy-modules',
  setup(b) {
    b.onResolve({ filter: /^\.\/[a-z]+\.js$/ }, (args) =>
      args.kind === 'dynamic-import' && LAZY[args.path.slice(2, -3)] ? { path: args.path, external: true } : undefined,
    );
  },
};

/** The first 12 hex digits of the SHA-256 of `bytes`: build.rs's content hash, the same. */
function contentHash(bytes) {
  return crypto.createHash('sha256').update(bytes).digest('hex').slice(0, 12);
}

/**
 * Rewrites the explorer's `import("./geo.js")` to `import("/playground/geo.<hash>.js")`, the
 * hashed name build.rs serves it at: an absolute path, as the script runs inline in the page
 * at `/explore` (see `inlineInPage`).
 */
function linkLazyModules() {
  const page = path.join(outdir, 'explore.js');
  let text = fs.readFileSync(page, 'utf8');
  for (const name of Object.keys(LAZY)) {
    const hash = contentHash(fs.readFileSync(path.join(outdir, `${name}.js`)));
    const plain = `"./${name}.js"`;
    if (!text.includes(plain)) throw new Error(`explore.js does not import ${plain}`);
    text = text.split(plain).join(`"/playground/${name}.${hash}.js"`);
  }
  fs.writeFileSync(page, text);
}

/** Where a page wants its Content-Security-Policy, its styles and its script (`inlineInPage`). */
const CSP_MARK = /<!-- csp:[^>]*-->/;
const INLINE_STYLE_MARK = /<!-- inline-style: ([a-z]+\.css) -->/;
const INLINE_SCRIPT_MARK = /<!-- inline-script: ([a-z]+\.js) -->/;

/**
 * The one style element cytoscape adds to a page itself (its container's position, in the
 * base renderer); the explorer's policy allows it by its hash.
 */
const CYTOSCAPE_STYLE = '.__________cytoscape_container { position: relative; }';

/** The CSP source allowing an inline script or style of exactly `text`. */
function cspHash(text) {
  return `'sha256-${crypto.createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/**
 * Puts the explorer's styles and script in its page instead of linking them: on a slow
 * network the page and its script were two requests one after the other, and a round trip
 * is 562.5 ms on Fast 3G. The page is revalidated by ETag like any page. Its
 * Content-Security-Policy (a meta element) allows exactly these inline texts by their
 * SHA-256, never 'unsafe-inline'; scripts from elsewhere only from the server itself (the
 * lazy modules, by their hashed paths). The inlined files are removed from `outdir`, so that
 * nothing serves them twice.
 */
function inlineInPage(html) {
  const styleFile = html.match(INLINE_STYLE_MARK)[1];
  const scriptFile = html.match(INLINE_SCRIPT_MARK)[1];
  const css = fs.readFileSync(path.join(outdir, styleFile), 'utf8');
  const js = fs.readFileSync(path.join(outdir, scriptFile), 'utf8');
  // Text that would end the element early, or put the HTML parser in a script's escaped
  // state (esbuild writes such sequences escaped, so this only guards against a change).
  if (/<\/style/i.test(css)) throw new Error(`${styleFile} holds "</style": it cannot be inlined`);
  if (/<\/script|<!--|<script/i.test(js)) throw new Error(`${scriptFile} holds "</script", "<script" or "<!--": it cannot be inlined`);
  if (!js.includes('__________cytoscape_container') || !js.includes(' { position: relative; }')) {
    throw new Error(`${scriptFile}: cytoscape no longer adds the style element CYTOSCAPE_STYLE names; update it`);
  }
  const policy = [
    "default-src 'self'",
    `script-src 'self' ${cspHash(js)}`,
    `style-src 'self' ${cspHash(css)} ${cspHash(CYTOSCAPE_STYLE)}`,
    "img-src 'self' data: blob:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join('; ');
  for (const file of [styleFile, scriptFile]) fs.rmSync(path.join(outdir, file));
  // Functions as replacements: the texts hold "$&" and the like.
  return html
    .replace(CSP_MARK, () => `<meta http-equiv="Content-Security-Policy" content="${policy}" />`)
    .replace(INLINE_STYLE_MARK, () => `<style>${css}</style>`)
    .replace(INLINE_SCRIPT_MARK, () => `<script type="module">${js}</script>`);
}

/** Bundles the pages into `outdir` and writes their licence file. */
async function main() {
  fs.rmSync(outdir, { recursive: true, force: true });
  fs.mkdirSync(outdir, { recursive: true });

  const banner = '/*! Diplograph. Licences of bundled third-party code: /playground/LICENSES.txt */';
  const common = {
    absWorkingDir: here,
    outdir,
    bundle: true,
    minify: true,
    target: ['es2020'],
    jsx: 'automatic',
    // The playground's default query is the shared client query file itself.
    loader: { '.graphql': 'text' },
    define: { 'process.env.NODE_ENV': '"production"' },
    legalComments: 'external',
    banner: { js: banner, css: banner },
    plugins: [withoutWebFonts],
    metafile: true,
    logLevel: 'warning',
  };
  const [playground, explorer] = await Promise.all([
    build({
      ...common,
      entryPoints: { playground: PAGES.playground[0] },
      format: 'iife',
      // Only loaded by @graphiql/toolkit for subscriptions over websockets, which we never use.
      external: ['graphql-ws'],
      plugins: [withoutWebFonts, graphqlForExplorer, tabsWithoutDrag, entitiesFromTheBrowser],
    }),
    // The explorer: ES modules (its lazy modules are imported by path). React is Preact's
    // compatibility layer here, about a tenth of react-dom's size; the playground keeps
    // React, which GraphiQL needs.
    build({
      ...common,
      entryPoints: { explore: PAGES.explore[0], ...LAZY },
      format: 'esm',
      alias: { react: 'preact/compat', 'react-dom': 'preact/compat' },
      plugins: [withoutWebFonts, lazyModules, cytoscapeTrimmed],
    }),
  ]);
  linkLazyModules();
  const result = { metafile: { inputs: { ...playground.metafile.inputs, ...explorer.metafile.inputs } } };

  for (const [, html] of Object.values(PAGES)) {
    let page = fs.readFileSync(path.join(here, html), 'utf8').replace(EARLY_SCHEMA_MARK, earlySchemaScript());
    if (INLINE_SCRIPT_MARK.test(page)) page = inlineInPage(page);
    fs.writeFileSync(path.join(outdir, path.basename(html)), page);
  }
  fs.writeFileSync(path.join(outdir, 'LICENSES.txt'), licences(result.metafile));
  for (const name of legalFiles()) {
    fs.rmSync(path.join(outdir, name), { force: true });
  }
}

/** esbuild's files of legal comments in `outdir`, one per output file (chunks included). */
function legalFiles() {
  return fs
    .readdirSync(outdir)
    .filter((f) => f.endsWith('.LEGAL.txt'))
    .sort();
}

/** The root folder (under node_modules) of the package a bundled input file belongs to. */
function packageRoot(input) {
  const parts = input.split('/');
  const at = parts.lastIndexOf('node_modules');
  if (at < 0) return null;
  const len = parts[at + 1].startsWith('@') ? 2 : 1;
  return parts.slice(0, at + 1 + len).join('/');
}

/** The text of LICENSES.txt: one section per bundled package, then esbuild's legal comments. */
function licences(metafile) {
  const roots = new Set();
  for (const input of Object.keys(metafile.inputs)) {
    const root = packageRoot(input);
    if (root) roots.add(root);
  }
  const rule = '='.repeat(78);
  const sections = [];
  for (const root of [...roots].sort()) {
    const dir = path.join(here, root);
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    const files = fs
      .readdirSync(dir)
      .filter((f) => /^(licen[cs]e|copying|notice)/i.test(f))
      .sort();
    const texts = files.map((f) => fs.readFileSync(path.join(dir, f), 'utf8').trim());
    if (texts.length === 0) {
      const holder = MISSING_LICENCE_FILES[pkg.name];
      if (!holder || licenceName(pkg) !== 'MIT') {
        throw new Error(
          `${pkg.name}@${pkg.version} is bundled but ships no licence file: ` +
            'add its copyright holder to MISSING_LICENCE_FILES in web/build.mjs',
        );
      }
      texts.push(mit(holder));
    }
    sections.push(
      [rule, `${pkg.name}@${pkg.version}  (${licenceName(pkg)})`, rule, '', texts.join('\n\n')].join('\n'),
    );
  }
  // esbuild writes one file per output, a block per source file ("path:" then the indented
  // comments); a file bundled in both pages is listed once.
  const blocks = legalFiles()
    .map((f) => path.join(outdir, f))
    .flatMap((f) => fs.readFileSync(f, 'utf8').replace(/^Bundled license information:\s*/, '').trim().split(/\n\n(?=\S)/))
    .map((b) => b.trim())
    .filter((b) => b.length > 0);
  const legal = [...new Set(blocks)];
  const head = [
    'Third-party software in the Diplograph browser pages: the playground (/,',
    '/playground/playground.js, /playground/playground.css) and the graph explorer',
    '(/explore, its script and styles inline, and /playground/geo.js, /playground/fcose.js).',
    'Each package below is bundled, in part or whole, in one page or both, and is',
    'distributed under the licence reproduced with it.',
    '',
    `Packages: ${roots.size}`,
  ].join('\n');
  const tail = legal.length
    ? [rule, 'Notices kept from the bundled source code', rule, '', legal.join('\n\n')].join('\n')
    : '';
  return [head, ...sections, tail].filter(Boolean).join('\n\n') + '\n';
}

/** The licence a package.json declares, as a short string. */
function licenceName(pkg) {
  if (typeof pkg.license === 'string') return pkg.license;
  if (pkg.license && pkg.license.type) return pkg.license.type;
  if (Array.isArray(pkg.licenses)) return pkg.licenses.map((l) => l.type || l).join(' OR ');
  return 'see text';
}

/**
 * Copyright holders of bundled MIT packages whose npm tarball has no licence file.
 * Taken from the upstream repository's LICENSE, or from package.json where it has none.
 */
const MISSING_LICENCE_FILES = {
  '@graphiql/plugin-explorer': 'Copyright (c) 2021 GraphQL Contributors', // graphql/graphiql LICENSE, as @graphiql/react ships it
  '@headlessui/react': 'Copyright (c) 2020 Tailwind Labs', // tailwindlabs/headlessui LICENSE
  'client-only': 'Copyright (c) Meta Platforms, Inc. and affiliates.', // facebook/react LICENSE
  'react-compiler-runtime': 'Copyright (c) Meta Platforms, Inc. and affiliates.', // facebook/react LICENSE
  'react-remove-scroll-bar': 'Copyright (c) Anton Korzunov <thekashey@gmail.com>', // its LICENSE on GitHub
  'toggle-selection': 'Copyright (c) sudodoki <smd.deluzion@gmail.com>', // package.json author
};

/** The MIT licence text with the given copyright line. */
function mit(copyright) {
  return `MIT License

${copyright}

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.`;
}

main().catch((err) => {
  console.error(`playground build failed: ${err && err.stack ? err.stack : err}`);
  process.exit(1);
});
