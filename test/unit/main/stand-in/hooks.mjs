// `node --import ./hooks.mjs main.mjs`: makes every `electron` import and require load ./electron.cjs.
// ESM imports go through a resolve hook; CommonJS requires (electron-log) through the CJS resolver.
// Both end in the same CommonJS module instance, so the stand-in sees everything the shell does.
import Module, { register } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const standIn = fileURLToPath(new URL('./electron.cjs', import.meta.url));
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === 'electron' ? standIn : resolveFilename.call(this, request, ...rest);
};
const url = JSON.stringify(pathToFileURL(standIn).href);
register(
  `data:text/javascript,${encodeURIComponent(
    `export async function resolve(s, c, next) { return s === 'electron' ? { url: ${url}, format: 'commonjs', shortCircuit: true } : next(s, c); }`,
  )}`,
);
