/** The website's one stylesheet (served same-origin: no external assets). */
export const STYLESHEET = `
:root {
	--ink: #1d2330; --muted: #5b6473; --line: #d8dde6; --bg: #f4f6f9; --card: #fff;
	--brand: #1f4e8c; --brand-ink: #fff; --ok: #1e6b3a; --ok-bg: #e3f4e8; --warn: #7a5200;
	--warn-bg: #fff3d6; --err: #a1262b; --err-bg: #fde7e8; --info-bg: #e6eefa;
	font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
	color: var(--ink); background: var(--bg); line-height: 1.45;
}
* { box-sizing: border-box; }
body { margin: 0; }
a { color: var(--brand); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible {
	outline: 3px solid #f2a900; outline-offset: 2px;
}
.skip { position: absolute; left: -999px; }
.skip:focus { left: 8px; top: 8px; background: #fff; padding: 4px 8px; z-index: 10; }
header.site { background: var(--brand); color: var(--brand-ink); }
header.site .bar { display: flex; justify-content: space-between; align-items: center;
	flex-wrap: wrap; gap: 8px; padding: 10px 24px; }
.brand { color: var(--brand-ink); font-weight: 700; font-size: 1.15rem; text-decoration: none; }
.brand span { font-weight: 400; opacity: .85; font-size: .9rem; margin-left: 6px; }
.clock { margin: 0; font-size: .85rem; opacity: .9; }
header.site nav ul { list-style: none; display: flex; gap: 4px; margin: 0; padding: 0 16px; }
header.site nav a { color: var(--brand-ink); display: inline-block; padding: 6px 10px;
	text-decoration: none; border-bottom: 3px solid transparent; }
header.site nav a[aria-current="page"] { border-bottom-color: #fff; font-weight: 600; }
.platform { margin: 0; padding: 6px 24px; font-size: .9rem; }
.platform-sandbox { background: var(--warn-bg); color: var(--warn); }
.platform-production { background: #e9e3f7; color: #3e2a78; }
main { max-width: 1180px; margin: 0 auto; padding: 16px 24px 32px; }
footer.site { color: var(--muted); font-size: .8rem; text-align: center; padding: 8px 24px 24px; }
h1 { font-size: 1.5rem; margin: 12px 0 4px; }
h2 { font-size: 1.15rem; margin: 0 0 10px; }
.lead { color: var(--muted); margin-top: 0; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px;
	padding: 16px 18px; margin: 14px 0; }
.grid { display: grid; grid-template-columns: minmax(0, 3fr) minmax(300px, 2fr); gap: 18px;
	align-items: start; }
@media (max-width: 860px) { .grid { grid-template-columns: 1fr; } }
.pdf { width: 100%; height: 560px; border: 1px solid var(--line); border-radius: 6px; background: #eee; }
.flash { border-radius: 8px; padding: 10px 14px; margin: 12px 0; border: 1px solid; }
.flash p { margin: 0; }
.flash-success { background: var(--ok-bg); color: var(--ok); border-color: #9fd3b0; }
.flash-error { background: var(--err-bg); color: var(--err); border-color: #f0a9ad; }
.flash-info { background: var(--info-bg); color: var(--brand); border-color: #a9c1e8; }
.notice { border-radius: 6px; padding: 8px 12px; background: var(--info-bg); }
.notice-warn { background: var(--warn-bg); color: var(--warn); }
.notice-err { background: var(--err-bg); color: var(--err); }
.notice-ok { background: var(--ok-bg); color: var(--ok); }
.badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: .8rem;
	font-weight: 600; border: 1px solid transparent; white-space: nowrap; }
.badge-draft { background: #eceff3; color: #434b57; border-color: #c9ced6; }
.badge-pending { background: var(--warn-bg); color: var(--warn); border-color: #f0cf7c; }
.badge-signed { background: var(--ok-bg); color: var(--ok); border-color: #9fd3b0; }
.badge-cancelled, .badge-locked { background: var(--err-bg); color: var(--err); border-color: #f0a9ad; }
.badge-expired { background: #e4e4e4; color: #3d3d3d; border-color: #bdbdbd; }
table { border-collapse: collapse; width: 100%; background: var(--card); }
th, td { text-align: left; padding: 7px 9px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: .85rem; color: var(--muted); font-weight: 600; }
.table-wrap { overflow-x: auto; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 14px; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
ol.steps { list-style: none; margin: 0; padding: 0; }
ol.steps > li { border-top: 1px solid var(--line); padding: 12px 0; }
ol.steps > li:first-child { border-top: 0; padding-top: 0; }
.step-title { font-weight: 700; margin: 0 0 6px; }
label { display: block; font-weight: 600; margin: 8px 0 3px; }
.hint { color: var(--muted); font-size: .88rem; margin: 4px 0; }
input[type=text], select { font: inherit; padding: 7px 9px; border: 1px solid #9aa3b2;
	border-radius: 6px; width: 100%; max-width: 320px; background: #fff; }
input[aria-invalid="true"] { border-color: var(--err); box-shadow: 0 0 0 1px var(--err); }
.row { display: flex; gap: 12px; flex-wrap: wrap; }
.row > div { flex: 1 1 110px; }
button { font: inherit; font-weight: 600; padding: 8px 16px; border-radius: 6px; cursor: pointer;
	border: 1px solid var(--brand); background: var(--brand); color: #fff; margin-top: 10px; }
button.secondary { background: #fff; color: var(--brand); }
button:disabled { opacity: .5; cursor: not-allowed; }
form.inline { display: inline; }
.mail { border: 1px solid var(--line); border-radius: 8px; background: var(--card); margin: 10px 0; }
.mail dl.facts { padding: 10px 14px; border-bottom: 1px solid var(--line); font-size: .9rem; }
.mail pre { margin: 0; padding: 12px 14px; white-space: pre-wrap; word-break: break-word;
	font-family: inherit; }
.muted { color: var(--muted); }
code { font-size: .9em; background: #eef1f5; padding: 1px 4px; border-radius: 4px; word-break: break-all; }
.pager { display: flex; gap: 14px; margin: 10px 0; }
`;
