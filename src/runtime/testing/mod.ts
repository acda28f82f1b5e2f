/**
 * `@honeyframe/edge/testing`: what a plugin's own tests need to call its routes as a person, render
 * its pages and blocks, and set its settings and storage — on a store in memory, with no server.
 *
 * @module
 */
export {
  type PluginTestKit,
  pluginTestKit,
  type PluginUnderTest,
  type TestPerson,
} from "./plugin_test_kit.ts";
