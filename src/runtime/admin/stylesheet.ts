/**
 * The host's one stylesheet, served by the app itself (no CDN): a sidebar layout that folds into a
 * top bar on narrow screens, visible focus, and colours that pass WCAG AA contrast.
 *
 * @module
 */

/** The URL the stylesheet is served at. */
export const STYLESHEET_PATH = "/assets/honeyframe.css";

/** The stylesheet. */
export const STYLESHEET = `
:root {
  --ink: #1d2330; --muted: #4a5468; --line: #d5dae3; --paper: #ffffff; --wash: #f4f6f9;
  --brand: #1f4fd1; --brand-ink: #ffffff; --side: #111827; --side-ink: #e5e7eb; --side-muted: #a3acbd;
  --ok: #116b3a; --ok-wash: #e3f5ea; --bad: #a3141f; --bad-wash: #fde8ea; --warn: #7a4b00; --warn-wash: #fff3d6;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--wash);
}
* { box-sizing: border-box; }
body { margin: 0; line-height: 1.5; }
a { color: var(--brand); }
:focus-visible { outline: 3px solid #f5b400; outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; background: var(--paper); padding: .5rem 1rem; z-index: 10; }
.skip:focus { left: .5rem; }
.shell { display: grid; grid-template-columns: 15rem minmax(0, 1fr); min-height: 100vh; }
.sidebar { background: var(--side); color: var(--side-ink); padding: 1.25rem 1rem; }
.brand { display: block; font-weight: 700; font-size: 1.1rem; color: var(--side-ink); text-decoration: none; margin-bottom: 1.5rem; }
.sidebar h2 { font-size: .75rem; text-transform: uppercase; letter-spacing: .08em; color: var(--side-muted); margin: 1.25rem 0 .4rem; }
.sidebar ul { list-style: none; margin: 0; padding: 0; }
.sidebar a { display: flex; gap: .5rem; align-items: center; color: var(--side-ink); text-decoration: none; padding: .4rem .6rem; border-radius: .4rem; }
.sidebar a:hover, .sidebar a[aria-current="page"] { background: #263247; }
.sidebar .nav-missing { display: flex; gap: .5rem; align-items: center; color: var(--side-muted); padding: .4rem .6rem; cursor: not-allowed; }
.sidebar svg { width: 1rem; height: 1rem; flex: none; }
.sidebar form { margin-top: 1.5rem; }
main { padding: 1.5rem 2rem; max-width: 80rem; min-width: 0; }
h1 { font-size: 1.6rem; margin: 0 0 1rem; }
h2 { font-size: 1.15rem; margin: 1.5rem 0 .5rem; }
.meta { color: var(--muted); }
.card { background: var(--paper); border: 1px solid var(--line); border-radius: .6rem; padding: 1rem 1.25rem; margin-bottom: 1rem; }
.blocks { display: grid; grid-template-columns: repeat(auto-fill, minmax(16rem, 1fr)); gap: 1rem; }
.blocks .block { margin: 0; min-width: 0; }
.block-medium { grid-column: span 2; }
.block-large { grid-column: 1 / -1; }
.block-plugin { color: var(--muted, #666); font-size: .85rem; margin-top: -.5rem; }
.block-error { border-color: #b42318; }
@media (max-width: 40rem) { .block-medium { grid-column: auto; } }
table { width: 100%; border-collapse: collapse; background: var(--paper); border: 1px solid var(--line); }
caption { text-align: left; padding: .5rem 0; color: var(--muted); }
th, td { text-align: left; padding: .55rem .75rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--wash); font-size: .85rem; }
tbody th { background: var(--paper); font-size: 1rem; }
.table-wrap { overflow-x: auto; }
.badge { display: inline-block; padding: .05rem .5rem; border-radius: 999px; font-size: .8rem; font-weight: 600; }
.status-mounted { background: var(--ok-wash); color: var(--ok); }
.status-error { background: var(--bad-wash); color: var(--bad); }
.status-shadowed, .status-disabled, .status-mounted-warning, .status-needs-config { background: var(--warn-wash); color: var(--warn); }
.problem-count { text-decoration: none; white-space: nowrap; }
.problem-count.has-errors { background: var(--bad-wash); color: var(--bad); }
.problem-count.has-warnings { background: var(--warn-wash); color: var(--warn); }
.search { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; margin: .75rem 0; }
.search input { flex: 1 1 12rem; min-width: 0; }
a.button { display: inline-block; padding: .25rem .75rem; border: 1px solid var(--line); border-radius: .375rem; text-decoration: none; }
.confirm .warning { color: var(--warn); }
a.button.primary { background: var(--brand); border-color: var(--brand); color: var(--brand-ink); padding: .5rem 1rem; }
.who { margin-top: 1rem; font-size: .9rem; }
.who p { margin: 0 0 .5rem; }
.source-wrap { overflow-x: auto; border: 1px solid var(--line); border-radius: .375rem; background: var(--wash); }
ol.source { margin: 0; padding: .5rem 0 .5rem 3.5rem; font-family: ui-monospace, monospace; font-size: .85rem; }
ol.source li { white-space: pre; }
ol.source li::marker { color: var(--muted); }
ol.source code { background: none; padding: 0; overflow-wrap: normal; }
.health-ok { background: var(--ok-wash); color: var(--ok); }
.health-failing { background: var(--bad-wash); color: var(--bad); }
.problems { margin: .35rem 0 0; padding-left: 1.1rem; font-size: .85rem; }
.problems .error { color: var(--bad); }
.problems .warning { color: var(--warn); }
.problems pre.frame { white-space: pre; overflow-x: auto; }
code { overflow-wrap: anywhere; font-size: .85em; background: var(--wash); padding: .05rem .3rem; border-radius: .25rem; }
.filters { display: flex; flex-wrap: wrap; gap: .5rem; margin: 0 0 1rem; padding: 0; list-style: none; }
.filters a { display: inline-block; padding: .3rem .8rem; border: 1px solid var(--line); border-radius: 999px; background: var(--paper); text-decoration: none; }
.filters a[aria-current="true"] { background: var(--brand); color: var(--brand-ink); border-color: var(--brand); }
dl.facts { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: .35rem 1.25rem; margin: 0; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; min-width: 0; overflow-wrap: anywhere; }
label { display: block; font-weight: 600; margin-bottom: .35rem; }
input[type="password"], input[type="search"], input[type="text"], input[type="url"], input[type="number"], select { width: 100%; max-width: 24rem; padding: .55rem .7rem; border: 1px solid #6b7588; border-radius: .4rem; font: inherit; }
.field { margin-bottom: 1rem; }
.field .meta { margin: 0 0 .35rem; }
label.inline { display: inline-flex; gap: .4rem; align-items: center; font-weight: 400; margin-top: .35rem; }
label.inline input { width: auto; }
.field-error { color: var(--bad); margin: .25rem 0 0; }
[aria-invalid="true"] { border-color: var(--bad); }
button { font: inherit; padding: .5rem 1rem; border-radius: .4rem; border: 1px solid var(--brand); background: var(--brand); color: var(--brand-ink); cursor: pointer; }
button:disabled { opacity: .5; cursor: not-allowed; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; font-size: .8rem; margin: .25rem 0 0; }
.sidebar button { background: transparent; border-color: var(--side-muted); color: var(--side-ink); width: 100%; }
.alert { border-left: 4px solid var(--bad); background: var(--bad-wash); color: var(--bad); padding: .6rem .9rem; margin-bottom: 1rem; }
iframe.plugin-frame { display: block; width: 100%; height: 8rem; border: 0; background: transparent; }
html.frame { background: transparent; }
html.frame main { padding: 0; max-width: none; }
html.frame body { overflow-x: hidden; }
.sign-in { max-width: 28rem; margin: 4rem auto; }
@media (max-width: 48rem) {
  .shell { grid-template-columns: minmax(0, 1fr); }
  .sidebar { padding: .75rem 1rem; }
  .sidebar nav { display: flex; flex-wrap: wrap; gap: 0 1.5rem; }
  main { padding: 1rem; }
  dl.facts { grid-template-columns: minmax(0, 1fr); gap: 0 1rem; }
  dl.facts dd { margin-bottom: .5rem; }
}
`;
