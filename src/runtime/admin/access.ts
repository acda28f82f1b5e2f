/**
 * What a signed-in session may open: the admin token may open everything; a person what their
 * groups grant in their organisation, exactly as a JWT's groups do.
 *
 * @module
 */
import type { AuditEvent, StateStore } from "../../state/mod.ts";
import { actorOf, type Session } from "./session.ts";

/** Whether a permission is granted. */
export type Grants = (permission: string) => boolean;

/** The admin token's grants: everything. */
export const ALL_GRANTED: Grants = () => true;

/** Nothing granted (nobody signed in). */
export const NONE_GRANTED: Grants = () => false;

/**
 * The permissions some groups of an organisation grant.
 *
 * @param store Where the organisations' groups are.
 * @param org The organisation.
 * @param groups The groups.
 * @returns The permissions.
 * @example
 * ```ts
 * import { MemoryStore } from "../../state/mod.ts";
 * await groupPermissions(new MemoryStore(), "default", ["crm_viewer"]); // Set {}
 * ```
 */
export async function groupPermissions(
  store: Pick<StateStore, "groups">,
  org: string,
  groups: readonly string[],
): Promise<Set<string>> {
  const member = new Set(groups);
  const granted = new Set<string>();
  for (const group of await store.groups(org)) {
    if (member.has(group.name)) {
      for (const permission of group.permissions) granted.add(permission);
    }
  }
  return granted;
}

/**
 * What a session may open.
 *
 * @param session The session, if any.
 * @param store Where the organisations' groups are.
 * @returns Its grants.
 */
export async function grantsOf(
  session: Session | undefined,
  store: Pick<StateStore, "groups">,
): Promise<Grants> {
  if (!session) return NONE_GRANTED;
  if (!session.person) return ALL_GRANTED;
  const granted = await groupPermissions(store, session.person.org, session.person.groups);
  return (permission) => granted.has(permission);
}

/**
 * The audit event of a page refused to a signed-in person for want of a permission.
 *
 * @param session Who asked.
 * @param path The page.
 * @param permission What it needs.
 * @returns The event (without its time).
 */
export function refusalEvent(
  session: Session,
  path: string,
  permission: string,
): Omit<AuditEvent, "time"> {
  return {
    actor: actorOf(session),
    action: "access",
    target: path,
    outcome: "failure",
    detail: `needs ${permission}`,
  };
}
