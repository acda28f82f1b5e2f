/**
 * The page a browser gets for an unknown URL under `/admin` or `/plugins`, inside the layout (the
 * JSON API keeps its JSON 404).
 *
 * @module
 */

/**
 * The 404 page's content.
 *
 * @param props `path`: the URL that has no page.
 * @returns The content.
 */
export function NotFoundPage(props: { path: string }) {
  return (
    <>
      <h1>Page not found</h1>
      <p>
        There is no page at{" "}
        <code>{props.path}</code>. It may belong to a plugin that is disabled, or the link may be
        mistyped.
      </p>
      <p>
        <a href="/admin/plugins">Go to the Plugins page</a>
      </p>
    </>
  );
}
