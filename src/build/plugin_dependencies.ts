/**
 * Dependencies between plugins and on the host (`requires`): each plugin's needs are checked
 * against the plugins that would be served, cycles are found and named once, a plugin whose
 * dependency cannot be served cannot be served either (transitively), and the plugins are ordered
 * so that every plugin comes after what it needs, ties by name, whatever order they were found in.
 *
 * @module
 */
import semver from "semver";
import { MANIFEST_FILE, type Problem, problem, type ProblemCode } from "../manifest/mod.ts";
import type { VerifiedPlugin } from "./verify.ts";

/**
 * Checks every plugin's `requires` and orders the plugins by their dependencies.
 *
 * @param plugins The verified plugins (shadowed copies included, left as they are).
 * @param hostVersion The host's version, which `requires.host` ranges are matched against.
 * @returns The plugins with their dependency problems, each after the plugins it needs; a shadowed
 * copy right after the copy that shadows it.
 * @example
 * ```ts ignore
 * const ordered = withDependencies(await verify(discover(roots)), HOST_VERSION);
 * ```
 */
export function withDependencies(
  plugins: readonly VerifiedPlugin[],
  hostVersion: string,
): VerifiedPlugin[] {
  const served = new Map(
    plugins.filter((plugin) => !plugin.shadowed).map((plugin) => [plugin.name, plugin]),
  );
  const needs = new Map(
    [...served].map((
      [name, plugin],
    ) => [name, Object.keys(plugin.manifest?.requires?.plugins ?? {}).sort()]),
  );
  const cycles = cyclesAmong(
    [...served.keys()].sort(),
    (name) => needs.get(name)!.filter((dependency) => served.has(dependency)),
  );
  const sameCycle = (a: string, b: string) =>
    cycles.get(a) !== undefined && cycles.get(a) === cycles.get(b);
  const order = topologicalOrder(
    [...served.keys()].sort(),
    (name) =>
      needs.get(name)!.filter((dependency) =>
        served.has(dependency) && !sameCycle(dependency, name)
      ),
  );
  const checked = new Map<string, VerifiedPlugin>();
  const dependents = new Map<string, string[]>();
  for (const name of order) {
    const plugin = served.get(name)!;
    const found = [
      ...hostProblem(plugin, hostVersion),
      ...cycleProblem(cycles.get(name)),
      ...needs.get(name)!.flatMap((dependency) =>
        sameCycle(dependency, name)
          ? []
          : dependencyProblem(plugin, dependency, checked.get(dependency) ?? served.get(dependency))
      ),
    ];
    checked.set(name, found.length === 0 ? plugin : stopped(plugin, found));
    for (const dependency of needs.get(name)!) {
      dependents.set(dependency, [...dependents.get(dependency) ?? [], name]);
    }
  }
  const shadowed = Map.groupBy(
    plugins.filter((plugin) => plugin.shadowed),
    (plugin) => plugin.name,
  );
  return order.flatMap((name) => [
    withDependents(checked.get(name)!, dependents.get(name) ?? []),
    ...shadowed.get(name) ?? [],
  ]).concat(plugins.filter((plugin) => plugin.shadowed && !served.has(plugin.name)));
}

function withDependents(plugin: VerifiedPlugin, dependents: string[]): VerifiedPlugin {
  return dependents.length === 0 ? plugin : { ...plugin, dependents: dependents.sort() };
}

/** A plugin that cannot be served because of `errors`. */
function stopped(plugin: VerifiedPlugin, errors: readonly Problem[]): VerifiedPlugin {
  const { frontend: _frontend, client: _client, ...rest } = plugin;
  return { ...rest, errors: [...plugin.errors, ...errors], status: "error", routers: [] };
}

function hostProblem(plugin: VerifiedPlugin, hostVersion: string): Problem[] {
  const range = plugin.manifest?.requires?.host;
  if (range === undefined || semver.satisfies(hostVersion, range)) return [];
  return [need(
    "requires.host_mismatch",
    `needs the host at \`${range}\`; this host is ${hostVersion}`,
    "requires.host",
  )];
}

function cycleProblem(cycle: string | undefined): Problem[] {
  if (cycle === undefined) return [];
  return [need("requires.cycle", `is part of a dependency cycle: ${cycle}`, "requires.plugins")];
}

function dependencyProblem(
  plugin: VerifiedPlugin,
  name: string,
  dependency: VerifiedPlugin | undefined,
): Problem[] {
  const range = plugin.manifest!.requires!.plugins[name]!;
  const path = `requires.plugins.${name}`;
  if (!dependency) {
    return [
      need(
        "requires.missing",
        `needs the plugin \`${name}\` (${range}), which is not installed`,
        path,
      ),
    ];
  }
  const version = dependency.manifest?.version;
  if (version !== undefined && !semver.satisfies(version, range)) {
    return [need(
      "requires.version_mismatch",
      `needs the plugin \`${name}\` at \`${range}\`; ${version} is installed`,
      path,
    )];
  }
  if (dependency.status !== "mounted") {
    return [need(
      "requires.unavailable",
      `needs the plugin \`${name}\`, which cannot be served (it has errors)`,
      path,
    )];
  }
  return [];
}

function need(code: ProblemCode, message: string, path: string): Problem {
  return problem(code, message, { file: MANIFEST_FILE, path });
}

/**
 * The dependency cycles: for each plugin in one, the cycle as `a → b → c → a`, starting at its
 * smallest name and following the smallest next name not yet named (the same text for every
 * member).
 */
function cyclesAmong(
  names: readonly string[],
  needs: (name: string) => string[],
): Map<string, string> {
  const edges = new Map(names.map((name) => [name, needs(name)]));
  const found = new Map<string, string>();
  for (const component of stronglyConnected(names, (name) => edges.get(name)!)) {
    const members = new Set(component);
    const first = [...members].sort()[0]!;
    if (members.size === 1 && !edges.get(first)!.includes(first)) continue;
    const path = [first];
    for (let at = first;;) {
      const inside = edges.get(at)!.filter((name) => members.has(name)).sort();
      const next = inside.find((name) => !path.includes(name)) ?? first;
      path.push(next);
      if (next === first) break;
      at = next;
    }
    const text = path.join(" → ");
    for (const member of members) found.set(member, text);
  }
  return found;
}

/** Tarjan's strongly connected components, each a list of names. */
function stronglyConnected(names: readonly string[], next: (name: string) => string[]): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (name: string) => {
    index.set(name, index.size);
    low.set(name, index.get(name)!);
    stack.push(name);
    onStack.add(name);
    for (const other of next(name)) {
      if (!index.has(other)) {
        visit(other);
        low.set(name, Math.min(low.get(name)!, low.get(other)!));
      } else if (onStack.has(other)) {
        low.set(name, Math.min(low.get(name)!, index.get(other)!));
      }
    }
    if (low.get(name) === index.get(name)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== name);
      components.push(component);
    }
  };
  for (const name of names) if (!index.has(name)) visit(name);
  return components;
}

/** Kahn's algorithm over acyclic edges: dependencies first, ties by name. */
function topologicalOrder(names: readonly string[], needs: (name: string) => string[]): string[] {
  const waiting = new Map(names.map((name) => [name, needs(name).length]));
  const dependents = new Map<string, string[]>();
  for (const name of names) {
    for (const dependency of needs(name)) {
      dependents.set(dependency, [...dependents.get(dependency) ?? [], name]);
    }
  }
  // Kept sorted, so the smallest name that is ready comes first.
  const ready = names.filter((name) => waiting.get(name) === 0).sort();
  const order: string[] = [];
  while (ready.length > 0) {
    const name = ready.shift()!;
    order.push(name);
    for (const dependent of dependents.get(name) ?? []) {
      const left = waiting.get(dependent)! - 1;
      waiting.set(dependent, left);
      if (left === 0) ready.splice(sortedIndex(ready, dependent), 0, dependent);
    }
  }
  if (order.length !== names.length) throw new Error("a dependency cycle was left in the graph");
  return order;
}

/** Where `name` goes in the sorted `names`. */
function sortedIndex(names: readonly string[], name: string): number {
  let low = 0;
  let high = names.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (names[middle]! < name) low = middle + 1;
    else high = middle;
  }
  return low;
}
