// Tables on a phone: a wide table (the report's, Trends' medication changes and check-in
// scores) cannot fit 360 px as columns, so under 600 px css/tables.css lays each row out as
// lines of "column heading — value". This module gives every body cell its column's heading
// (`data-label`, counting rowspan and colspan) as tables appear, whichever module built them,
// and adds that stylesheet. A cell across the whole row (the report's safety details) gets none.

import { stylesheet } from "./dom.js";

const STACKED = "table.report-table, table.checkin-scores";

export function labelColumns(table) {
  const headings = [];
  for (const th of table.querySelectorAll("thead tr:last-child > *")) {
    for (let i = 0; i < th.colSpan; i += 1) headings.push(th.textContent.trim());
  }
  const taken = [];
  [...table.tBodies].flatMap((body) => [...body.rows]).forEach((row, r) => {
    let column = 0;
    for (const cell of row.cells) {
      while (taken[r] && taken[r][column]) column += 1;
      if (!cell.hasAttribute("data-label") && cell.colSpan < headings.length && headings[column]) {
        cell.dataset.label = headings[column];
      }
      for (let dr = 0; dr < cell.rowSpan; dr += 1) {
        taken[r + dr] = taken[r + dr] || [];
        for (let dc = 0; dc < cell.colSpan; dc += 1) taken[r + dr][column + dc] = true;
      }
      column += cell.colSpan;
    }
  });
}

function labelAll() {
  for (const table of document.querySelectorAll(STACKED)) labelColumns(table);
}

// The stacked tables an added node brings or adds rows to.
function tablesOf(node) {
  if (node.nodeType !== Node.ELEMENT_NODE) return [];
  if (node.matches("tbody, tr")) return [node.closest(STACKED)].filter(Boolean);
  return node.matches(STACKED) ? [node] : [...node.querySelectorAll(STACKED)];
}

stylesheet("/css/tables.css");
// Only the tables that came or got rows: a chart redrawing (uPlot's own elements, the
// session markers) or a part without tables relabels nothing, and a part with a table
// relabels that table, not every cell of every table on the page again.
new MutationObserver((records) => {
  const tables = new Set(records.flatMap((record) => [...record.addedNodes].flatMap(tablesOf)));
  for (const table of tables) labelColumns(table);
}).observe(document.body, { childList: true, subtree: true });
labelAll();
