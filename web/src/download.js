// CSV and JSON made in the browser from the table on the page.
import { isNum } from './format.jsx';

function csvField(v) {
  if (v === null || v === undefined) return '';
  let s = isNum(v) ? String(v) : String(v);
  // A text cell that a spreadsheet would take for a formula is quoted with a
  // leading apostrophe (numbers, negative ones included, are left alone).
  if (!isNum(v) && /^[=+@\t\r]/.test(s)) s = `'${s}`;
  if (/[",\r\n]/.test(s)) s = `"${s.replace(/"/g, '""')}"`;
  return s;
}

// columns: [{ key, label }]; rows: objects. Values as published: numbers as
// they are, symbols as their letters (c, x, z).
export function toCsv(columns, rows) {
  const lines = [columns.map((c) => csvField(c.key)).join(',')];
  for (const r of rows) lines.push(columns.map((c) => csvField(r[c.key])).join(','));
  return lines.join('\r\n') + '\r\n';
}

export function toJson(columns, rows) {
  return JSON.stringify(rows.map((r) => Object.fromEntries(columns.map((c) => [c.key, r[c.key] === undefined ? null : r[c.key]]))), null, 2) + '\n';
}

export function saveFile(filename, mime, text) {
  const blob = new Blob([text], { type: mime });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

export function safeName(s) {
  return String(s).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'table';
}
