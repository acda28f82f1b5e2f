/**
 * The host's version, as `package.json` gives it (a test keeps the two equal). Runtime code cannot
 * read files, so it is written here.
 *
 * @module
 */

/** The version of Honeyframe Edge. */
export const HOST_VERSION = "0.1.0";
