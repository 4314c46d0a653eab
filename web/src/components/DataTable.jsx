import { Val, isNum, isSymbol } from '../format.jsx';
import { saveFile, toCsv, toJson, safeName } from '../download.js';

// A table with its caption and, unless told otherwise, buttons that save the
// same rows as CSV and JSON (made here, in the browser).
//
// columns: [{ key, label, num, dp, unit, render(row), head }]; `head` marks
// the row-header column. rows: objects of raw values (numbers or symbols).
// exportColumns (default: columns) are the fields the CSV and JSON hold.
// A cell holding a date (YYYY-MM-DD) is kept on one line: a narrow column
// would otherwise break it at a hyphen.
export function DataTable({ caption, columns, exportColumns, rows, file, downloads = true, note, class: cls = '', captionHidden = false, testid }) {
  return (
    <div class={`table-block ${cls}`} data-testid={testid}>
      {captionHidden ? null : (
        <p class="table-title" aria-hidden="true">
          {caption}
        </p>
      )}
      {columns.length > 4 ? (
        <p class="scroll-hint">Scroll the table sideways to see every column.</p>
      ) : null}
      <div class="table-wrap" role="region" aria-label={caption} tabIndex={0}>
        <table>
          <caption class="vh">{caption}</caption>
          <thead>
            <tr>
              {columns.map((c) => (
                <th scope="col" class={c.num ? 'n' : ''} key={c.key}>
                  {c.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 ? (
              <tr>
                <td colSpan={columns.length}>No rows.</td>
              </tr>
            ) : (
              rows.map((r, i) => (
                <tr key={i}>
                  {columns.map((c) => {
                    const v = r[c.key];
                    const content = c.render ? c.render(r) : isNum(v) || isSymbol(v) ? <Val v={v} dp={c.dp ?? 1} /> : v === null || v === undefined ? '' : String(v);
                    const Tag = c.head ? 'th' : 'td';
                    const cellClass = [c.num ? 'n' : '', !c.render && isIsoDate(v) ? 'date' : ''].filter(Boolean).join(' ');
                    return (
                      <Tag scope={c.head ? 'row' : undefined} class={cellClass} key={c.key} data-col={c.key}>
                        {content}
                      </Tag>
                    );
                  })}
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      {note ? <p class="table-note">{note}</p> : null}
      {downloads ? <Downloads caption={caption} columns={exportColumns || columns} rows={rows} file={file} /> : null}
    </div>
  );
}

function isIsoDate(v) {
  return typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v);
}

export function Downloads({ caption, columns, rows, file }) {
  const base = safeName(file || caption);
  const exportColumns = columns.filter((c) => c.export !== false).map((c) => ({ key: c.key, label: c.label }));
  return (
    <div class="downloads no-print">
      <button type="button" class="button secondary" onClick={() => saveFile(`${base}.csv`, 'text/csv;charset=utf-8', toCsv(exportColumns, rows))}>
        Download CSV<span class="vh">: {caption}</span>
      </button>
      <button type="button" class="button secondary" onClick={() => saveFile(`${base}.json`, 'application/json', toJson(exportColumns, rows))}>
        Download JSON<span class="vh">: {caption}</span>
      </button>
    </div>
  );
}
