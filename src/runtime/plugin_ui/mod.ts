/**
 * Isolated plugins' user interface in frames of its own origin: the frames, their documents and
 * message protocol, the plugin-scoped tokens their scripts call the plugin's API with, and what
 * crosses between a frame and the host.
 *
 * @module
 */
export { allowFrameCalls, onlyFramesAt } from "./frame_calls.ts";
export { FRAME_SANDBOX, frameHeaders } from "./frame_document.tsx";
export { BRIDGE_SCRIPT_PATH, HOST_SCRIPT_PATH } from "./frame_scripts.ts";
export {
  type FrameSession,
  type PluginFrames,
  pluginFrames,
  type PluginFramesOptions,
  TICKET_PARAMETER,
} from "./plugin_frames.tsx";
export {
  type IssuedToken,
  PLUGIN_TOKEN_TTL_S,
  PluginTokens,
  type TokenHolder,
  type TokenUse,
} from "./plugin_tokens.ts";
