#!/usr/bin/env node
// Stand-in for a native `solc`: Foundry, crytic-compile, halmos and Manticore call it.
// No native solc is reachable on these machines (only npm/PyPI/apt), so it drives solc-js: by default the
// project's `solc` package (0.8.24); SOLC_JS_PACKAGE (a solc-js package folder) and SOLC_JS_VERSION (its full
// version, e.g. 0.8.19+commit.7dd6d404) select another release (the per-version entries checkers/compilers.py
// writes for forge's compiler auto-detection).
'use strict';
const fs = require('fs');
const path = require('path');

const argv = process.argv.slice(2);

function out(text) {
  // writeSync: process.exit() after an async write truncates large outputs on a pipe.
  const buf = Buffer.from(text);
  let off = 0;
  while (off < buf.length) {
    try { off += fs.writeSync(1, buf, off, buf.length - off); }
    catch (e) { if (e.code !== 'EAGAIN') throw e; }
  }
}

// Loading soljson costs ~1.4 s: answer --version before it.
const version = process.env.SOLC_JS_VERSION || '0.8.24+commit.e11b9ed9';
if (argv.includes('--version')) {
  out(`solc, the solidity compiler commandline interface\nVersion: ${version}.Linux.g++\n`);
  process.exit(0);
}

const solcDir = process.env.SOLC_JS_PACKAGE || path.join(__dirname, '..', 'node_modules', 'solc');
const soljson = require(path.join(solcDir, 'soljson.js'));
// soljson's shadow stack is small and unchecked: analysing a large build (the platform with its tests and
// Chainlink's simulators, ~150 sources) overflows it and the wasm traps with "memory access out of bounds".
// Move the stack into a large heap block (the stack grows down from its end); nothing else refers to the old one.
// (Releases built without these exports keep their own stack.)
const STACK_BYTES = 256 * 1024 * 1024;
if (typeof soljson.stackRestore === 'function' && typeof soljson._malloc === 'function') {
  soljson.stackRestore(soljson._malloc(STACK_BYTES) + STACK_BYTES - 16);
}
const solc = require(path.join(solcDir, 'wrapper.js'))(soljson);

function optionValues(name) {
  const values = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === name && i + 1 < argv.length) values.push(argv[i + 1]);
    else if (argv[i].startsWith(name + '=')) values.push(argv[i].slice(name.length + 1));
  }
  return values;
}

if (!argv.includes('--standard-json')) {
  process.stderr.write('solc-wrapper: only --version and --standard-json are supported\n');
  process.exit(2);
}

const roots = [process.cwd()];
for (const v of optionValues('--base-path')) roots.push(v);
for (const v of optionValues('--include-path')) roots.push(v);
for (const v of optionValues('--allow-paths')) for (const p of v.split(',')) if (p) roots.push(p);

function findImports(importPath) {
  const candidates = path.isAbsolute(importPath) ? [importPath] : roots.map((r) => path.resolve(r, importPath));
  for (const candidate of candidates) {
    try { return { contents: fs.readFileSync(candidate, 'utf8') }; } catch (_) { /* try next root */ }
  }
  return { error: `File not found in roots ${roots.join(', ')}: ${importPath}` };
}

const input = fs.readFileSync(0, 'utf8');
out(solc.compile(input, { import: findImports }));
