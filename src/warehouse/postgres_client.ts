/**
 * The PostgreSQL client, in a module of its own: it brings `node:net`, `node:tls` and more, so the
 * server bundles keep it beside them and import it only when a warehouse is configured (as they do
 * the state store's drivers, `src/build/bundle.ts`).
 *
 * @module
 */
export { default as postgres } from "postgres";
