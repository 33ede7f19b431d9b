// Loader hooks for record-modules.mjs: report each resolved URL, with the time it was resolved
// (epoch ms, taken here on the hooks thread), to the main thread.
let port;
export function initialize(data) {
  port = data.port;
}
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  port.postMessage(`${Date.now()} ${result.url}`);
  return result;
}
