/**
 * `<Island>` (issue 34, point 3): props cross as JSON in an attribute, escaped, so no value can end
 * the element; what is not plain data is refused at render time, naming the island and the path.
 */
import assert from "node:assert/strict";
import { Island } from "@honeyframe/edge";

const render = async (element: unknown) => String(await (element as Promise<string>).toString());

Deno.test("an island carries its name and its props as escaped JSON, around what shows first", async () => {
  const html = await render(
    <Island
      name="chart"
      props={{ points: [1, 2.5], title: `"</div><script>x()</script>`, on: true, none: null }}
    >
      <p>loading</p>
    </Island>,
  );
  assert.equal(
    html,
    '<div data-honeyframe-island="chart" data-honeyframe-props="{&quot;points&quot;:[1,2.5],&quot;title&quot;:&quot;\\&quot;&lt;/div&gt;&lt;script&gt;x()&lt;/script&gt;&quot;,&quot;on&quot;:true,&quot;none&quot;:null}"><p>loading</p></div>',
  );
});

Deno.test("island props that are not plain data are refused with their path", () => {
  const refused = (props: Record<string, unknown>, message: RegExp) =>
    assert.throws(() => Island({ name: "x", props: props as never }), message);
  refused({ onClick: () => {} }, /^TypeError: island `x` props\.onClick holds a function;/);
  refused({ list: [1, undefined] }, /props\.list\[1\] holds undefined/);
  refused({ when: new Date(0) }, /props\.when holds a Date instance/);
  refused({ big: 1n }, /props\.big holds a bigint/);
  refused({ n: Number.NaN }, /props\.n holds NaN/);
  const cycle: Record<string, unknown> = {};
  cycle.self = cycle;
  refused({ cycle }, /props\.cycle\.self holds a cycle/);
  assert.throws(() => Island({ name: "no spaces" }), /an island's name is letters/);
});
