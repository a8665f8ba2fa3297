// Simulates a machine where Dawn's native binary cannot load: importing `webgpu` fails as it does
// when the package or its .node file is missing. Used with `node --import` by tests/cli.test.ts.
import { register } from 'node:module';

register(
  'data:text/javascript,' +
    encodeURIComponent(`export async function resolve(specifier, context, next) {
  if (specifier === 'webgpu') {
    const e = new Error("Cannot find package 'webgpu' (simulated: Dawn's binary does not load here)");
    e.code = 'ERR_MODULE_NOT_FOUND';
    throw e;
  }
  return next(specifier, context);
}`),
);
