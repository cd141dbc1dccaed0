/**
 * Jest transformer for the ESM-only dependencies (cookie 2, jose 6). Jest, run with --experimental-vm-modules,
 * refuses to `require` a package of `"type": "module"`, and our code is CommonJS. jest.config.js maps each such
 * package to a stub `<name>.cjs` here; this transformer replaces the stub by the package bundled to CommonJS with
 * esbuild. The services themselves (tsx, Node ≥ 20.19) load the packages natively.
 */
const path = require('node:path');
const fs = require('node:fs');
const esbuild = require('esbuild');

const ROOT = path.resolve(__dirname, '../../..');

module.exports = {
  process(_source, filename) {
    const name = path.basename(filename, '.cjs');
    const entry = require.resolve(name, { paths: [ROOT] });
    const out = esbuild.buildSync({ entryPoints: [entry], bundle: true, format: 'cjs', platform: 'node', target: 'node20', write: false, logLevel: 'silent' });
    return { code: out.outputFiles[0].text };
  },
  getCacheKey(_source, filename) {
    const name = path.basename(filename, '.cjs');
    const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8'));
    return `${name}@${version}/esbuild-cjs-1`;
  },
};
