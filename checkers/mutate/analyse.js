#!/usr/bin/env node
// Type-check many variants of one project in one solc-js process (the compiler is loaded once, ~1.4 s).
// stdin: {"remappings": [...], "sources": {"src/A.sol": "..."}, "variants": [{"id": "...", "file": "src/A.sol",
// "content": "..."}]}; stdout: {"<id>": null | "first error message"}. Only the ABI is requested, so solc stops
// after analysis: no code generation (the expensive part of a build).
'use strict';
const fs = require('fs');
const path = require('path');

const repo = path.join(__dirname, '..', '..');
const soljson = require(path.join(repo, 'node_modules', 'solc', 'soljson.js'));
const STACK_BYTES = 256 * 1024 * 1024; // see tools/solc-wrapper.js: the default wasm stack overflows
soljson.stackRestore(soljson._malloc(STACK_BYTES) + STACK_BYTES - 16);
const solc = require(path.join(repo, 'node_modules', 'solc', 'wrapper.js'))(soljson);

const request = JSON.parse(fs.readFileSync(0, 'utf8'));
const roots = [process.cwd()];
function findImports(importPath) {
  const candidates = path.isAbsolute(importPath) ? [importPath] : roots.map((r) => path.resolve(r, importPath));
  for (const candidate of candidates) {
    try { return { contents: fs.readFileSync(candidate, 'utf8') }; } catch (_) { /* next */ }
  }
  return { error: `File not found: ${importPath}` };
}

function check(sources) {
  const input = {
    language: 'Solidity',
    sources: Object.fromEntries(Object.entries(sources).map(([k, v]) => [k, { content: v }])),
    settings: { remappings: request.remappings || [], evmVersion: request.evmVersion || 'cancun',
                outputSelection: { '*': { '*': ['abi'] } } },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
  const error = (output.errors || []).find((e) => e.severity === 'error');
  return error ? (error.formattedMessage || error.message).split('\n').slice(0, 2).join(' ').trim() : null;
}

const results = {};
const baseline = check(request.sources);
if (baseline) { results.__baseline__ = baseline; }
for (const variant of request.variants) {
  results[variant.id] = check({ ...request.sources, [variant.file]: variant.content });
}
process.stdout.write(JSON.stringify(results));
