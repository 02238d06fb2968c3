/**
 * The inline stylesheet of `report.html` (dark text on a light background, no external fonts).
 * @packageDocumentation
 */

/** CSS of the report. */
export const REPORT_CSS = `
*{box-sizing:border-box}
body{margin:0;background:#f3f4f6;color:#111827;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif}
main{max-width:1280px;margin:0 auto;padding:24px 20px 40px}
header h1{margin:0 0 4px;font-size:22px;font-weight:650}
header .sub{margin:0;color:#4b5563}
h2{margin:0 0 10px;font-size:15px;font-weight:650}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:10px;margin:18px 0}
.card{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:10px 12px}
.card .label{color:#6b7280;font-size:12px;text-transform:uppercase;letter-spacing:.03em}
.card .value{font-size:18px;font-weight:600;font-variant-numeric:tabular-nums;margin-top:2px;overflow-wrap:anywhere}
.card .unit{font-size:12px;font-weight:500;color:#6b7280}
.good{color:#15803d}h3{font-size:13px;margin:14px 0 6px}.bad{color:#b91c1c}
.panel{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:14px 16px;margin:0 0 16px}
.panel-head{display:flex;align-items:center;justify-content:space-between;gap:12px}
.panel-head select{font:inherit;padding:2px 6px}
.chart{display:block;width:100%;height:240px;cursor:crosshair}
.note{color:#6b7280;font-size:12px;margin:0 0 8px}
.trees{font:12px/1.45 ui-monospace,SFMono-Regular,Menlo,monospace;background:#f9fafb;border:1px solid #e5e7eb;border-radius:6px;padding:10px;max-height:420px;overflow:auto;white-space:pre}
.legend{display:flex;gap:16px;flex-wrap:wrap;color:#4b5563;font-size:12px;margin-top:6px}
.legend i{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:5px;vertical-align:-1px}
.table-wrap{overflow:auto;max-height:560px;border:1px solid #e5e7eb;border-radius:6px}
table{border-collapse:collapse;width:100%;font-size:12.5px;font-variant-numeric:tabular-nums}
th,td{padding:5px 9px;border-bottom:1px solid #f0f1f3;text-align:right;white-space:nowrap}
th{position:sticky;top:0;background:#f9fafb;color:#374151;font-weight:600;z-index:1}
td.l,th.l{text-align:left}
tbody tr:hover{background:#f9fafb}
.tag{display:inline-block;padding:0 6px;border-radius:4px;font-size:11.5px;font-weight:600}
.tag.long{background:#dcfce7;color:#166534}.tag.short{background:#fee2e2;color:#991b1b}
.kv{display:grid;grid-template-columns:max-content 1fr;gap:3px 16px;font-size:13px}
.kv dt{color:#6b7280}.kv dd{margin:0;font-variant-numeric:tabular-nums;word-break:break-all}
.empty{color:#6b7280;font-style:italic}
.tip{position:fixed;pointer-events:none;background:rgba(17,24,39,.92);color:#f9fafb;padding:6px 8px;border-radius:6px;font-size:12px;line-height:1.4;white-space:nowrap;z-index:10;font-variant-numeric:tabular-nums}
footer{color:#6b7280;font-size:12px;text-align:center;margin-top:24px}
code{font-size:12px;background:#f3f4f6;padding:1px 4px;border-radius:4px}
`
