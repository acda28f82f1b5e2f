/**
 * A moment as the admin pages show it: `2026-11-27 02:00:00`, machine-readable in `datetime`.
 *
 * @module
 */

/**
 * A `<time>` for an ISO 8601 timestamp (UTC), to the second.
 *
 * @param props `iso`: the timestamp.
 * @returns The element.
 */
export function Timestamp(props: { iso: string }) {
  return <time datetime={props.iso}>{props.iso.replace("T", " ").slice(0, 19)}</time>;
}
