// A table as a user reads it: its column headers and its rows' cell texts.
// <table> markup and ARIA grids (role=row / role=cell) alike; rows of one cell
// (a "no tokens" line, a spanning group header) left out.

// Entry: { headers, rows }.
function readTable(t) {
  const text = (el) => (el.innerText || el.textContent || '').replace(/\s+/g, ' ').trim();
  const headers = [...t.querySelectorAll('th, [role=columnheader]')].map(text);
  const rows = [...t.querySelectorAll('tr, [role=row]')]
    .map((r) => [...r.querySelectorAll(':scope > td, :scope > [role=cell], :scope > [role=gridcell]')].map(text))
    .filter((cells) => cells.length > 1);
  return { headers, rows };
}
