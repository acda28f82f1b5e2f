/**
 * The page a signed-in person gets, inside the layout, for a page their groups do not open.
 *
 * @module
 */

/**
 * The 403 page's content.
 *
 * @param props `path`: the page; `permission`: what it needs.
 * @returns The content.
 */
export function ForbiddenPage(props: { path: string; permission: string }) {
  return (
    <>
      <h1>Not allowed</h1>
      <p>
        The page <code>{props.path}</code> needs the permission <code>{props.permission}</code>
        {", "}which none of your groups grants. Ask an administrator to add it to one of your
        groups.
      </p>
      <p>
        <a href="/dashboard">Go to the dashboard</a>
      </p>
    </>
  );
}
