/**
 * What the runtime uses of undici, as an ES module of its own so it can be imported on
 * demand (in the bundle, a CommonJS package imported dynamically would only have a default export).
 */
export { EnvHttpProxyAgent, request } from 'undici';
