/**
 * The report's stylesheet, inlined so the file needs nothing else. Colours by operation match
 * the plan's Mermaid/DOT renderers in spirit (green create, amber update); failures are the
 * only red, so that they stand out.
 */
export const REPORT_CSS = `
:root { --create:#3a8a4f; --update:#c8901e; --delete:#7b5ea7; --forget:#3f7fbf; --record:#8a8a8a;
  --failed:#d93025; --muted:#c4c4c4; --throttled:#f29900; --retry:#9334e6; --ink:#1f2328; --soft:#656d76;
  --line:#d0d7de; --panel:#f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 28px 48px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--ink); background: #fff; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
p.meta { margin: 0; color: var(--soft); }
p.note { color: var(--soft); max-width: 70em; }
code { font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.badge { display: inline-block; padding: 1px 9px; border-radius: 10px; font-size: 12px; font-weight: 600;
  vertical-align: middle; margin-left: 8px; color: #fff; }
.badge.succeeded { background: var(--create); } .badge.failed { background: var(--failed); }
.badge.cancelled { background: var(--soft); }
.cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 14px 0; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; min-width: 110px; background: var(--panel); }
.card b { display: block; font-size: 20px; }
.card span { color: var(--soft); font-size: 12px; }
.card.bad b { color: var(--failed); }
table.data { border-collapse: collapse; margin: 8px 0; font-size: 13px; }
table.data th, table.data td { border-bottom: 1px solid var(--line); padding: 4px 12px 4px 0; text-align: left; vertical-align: top; }
table.data th { color: var(--soft); font-weight: 600; }
table.data td.num, table.data th.num { text-align: right; padding-left: 12px; }
table.data td.msg { max-width: 60em; white-space: pre-wrap; word-break: break-word; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 18px; margin: 6px 0 10px; font-size: 12px; color: var(--soft); }
.legend i { display: inline-block; width: 22px; height: 10px; margin-right: 5px; vertical-align: -1px; border-radius: 2px; }
.swatch { display: inline-block; width: 10px; height: 10px; margin-right: 6px; border-radius: 2px; }
.gantt { max-height: 78vh; overflow: auto; border: 1px solid var(--line); border-radius: 6px; position: relative; }
.gantt .row { display: flex; min-width: calc(var(--chart-width) + 270px); border-bottom: 1px solid #eef0f2; }
.gantt .label { position: sticky; left: 0; z-index: 2; flex: none; width: 240px; padding: 3px 8px; background: #fff;
  border-right: 1px solid var(--line); font-size: 12px; overflow: hidden; }
.gantt .label strong { display: block; font-weight: 600; word-break: break-all; }
.gantt .label span { color: var(--soft); }
.gantt .label em { font-style: normal; } .gantt .label em.failed { color: var(--failed); }
.gantt svg { flex: none; display: block; }
.gantt .axis { position: sticky; top: 0; z-index: 3; background: #fff; border-bottom: 1px solid var(--line); }
.gantt .axis .label { color: var(--soft); z-index: 4; }
.gantt .axis line { stroke: var(--soft); } .gantt .axis text { font-size: 11px; fill: var(--soft); }
.gantt .critical-lane { background: #fffbea; } .gantt .critical-lane .label { background: #fffbea; }
line.grid { stroke: #eef0f2; }
.bar, .cp-bar { stroke: none; }
.op-create { fill: var(--create); background: var(--create); } .op-update { fill: var(--update); background: var(--update); }
.op-delete { fill: var(--delete); background: var(--delete); } .op-forget { fill: var(--forget); background: var(--forget); }
.op-record { fill: var(--record); background: var(--record); }
.bar.outcome-noop, .cp-bar.outcome-noop { fill: #fff; stroke: var(--record); stroke-width: 1; }
.bar.outcome-failed, .cp-bar.outcome-failed { fill: var(--failed); }
.bar.outcome-skipped, .bar.outcome-cancelled { fill: var(--muted); stroke: #9a9a9a; stroke-dasharray: 2 1; stroke-width: 1; }
.bar.critical { stroke: #111; stroke-width: 1.2; }
.queued { fill: #fff; fill-opacity: 0.6; pointer-events: none; }
rect.throttled { fill: var(--throttled); fill-opacity: 0.85; pointer-events: none; }
rect.retry { fill: var(--retry); fill-opacity: 0.85; pointer-events: none; }
line.throttled-tick { stroke: #b36b00; stroke-width: 1.5; pointer-events: none; }
line.retry-tick { stroke: #6a1fb0; stroke-width: 1.5; pointer-events: none; }
.bar-label { font-size: 11px; fill: #fff; stroke: rgba(0,0,0,.55); stroke-width: 2px; paint-order: stroke; pointer-events: none; }
.graph { display: inline-block; max-width: 100%; overflow: auto; max-height: 80vh; border: 1px solid var(--line);
  border-radius: 6px; margin: 8px 0; vertical-align: top; }
.graph svg { display: block; }
.graph text { font-size: 11px; fill: var(--ink); }
.node rect { stroke: rgba(0,0,0,.25); stroke-width: 1; }
.node.op-create rect { fill: #dff3e4; } .node.op-update rect { fill: #fbefd5; } .node.op-delete rect { fill: #ebe4f5; }
.node.op-forget rect { fill: #e1ecf7; } .node.op-record rect { fill: #eee; }
.node.outcome-failed rect { stroke: var(--failed); stroke-width: 2; fill: #fde7e5; }
.node.outcome-skipped rect, .node.outcome-cancelled rect { fill: #f2f2f2; stroke-dasharray: 3 2; }
.node.critical rect { stroke: #111; stroke-width: 2; }
.edge { fill: none; stroke: #8c959f; stroke-opacity: .55; stroke-width: 1; }
.edge.critical { stroke: #111; stroke-opacity: .9; stroke-width: 1.6; }
.node-fill.op-create { fill: var(--create); } .node-fill.op-update { fill: var(--update); }
.node-fill.op-delete { fill: var(--delete); } .node-fill.op-forget { fill: var(--forget); } .node-fill.op-record { fill: var(--record); }
footer { margin-top: 36px; color: var(--soft); font-size: 12px; }
`
