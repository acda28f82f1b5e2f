/**
 * The one line every server (and the dev loop) prints when its port is taken.
 *
 * @module
 */

/**
 * Why a server cannot listen on a port that is taken.
 *
 * @param port The port asked for.
 * @returns The reason, naming the variable that changes it.
 * @example
 * ```ts
 * portInUse(8000); // "port 8000 is already in use; set PORT"
 * ```
 */
export function portInUse(port: number): string {
  return `port ${port} is already in use; set PORT`;
}
