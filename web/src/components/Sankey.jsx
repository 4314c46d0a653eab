import { useEffect, useRef, useState } from 'preact/hooks';
import { useContainerWidth } from './Chart.jsx';

// d3-sankey is loaded on first use, in a chunk of its own (like Plot).
let sankeyModule = null;
function loadSankey() {
  if (!sankeyModule) sankeyModule = import('d3-sankey');
  return sankeyModule;
}

// A flow diagram (d3-sankey lays it out; Preact draws the SVG): `nodes`
// [{ id, label, short }] (`short`, optional: the label drawn when the full
// one does not fit beside its node, as on a phone), `links` [{ source, target, value }] by node id, values
// positive numbers. One accessible image named by `label`; each band and
// node has a <title> for pointer users, and the table beside it holds the
// same figures for everyone else (keyboard, screen reader, download).
const COLOURS = ['#1d70b8', '#00703c', '#4c2c92', '#d4351c', '#f47738', '#5694ca', '#505a5f', '#b58840'];

// A label broken into lines of at most n characters at spaces (a word
// longer than n broken with a hyphen), at most `most` lines (the last cut
// with an ellipsis): the room beside the nodes is narrow on a phone.
function wrap(text, n, most = Infinity) {
  const words = [];
  for (const word of text.split(' ')) {
    let w = word;
    for (; w.length > n; w = w.slice(n - 1)) words.push(`${w.slice(0, n - 1)}-`);
    words.push(w);
  }
  const lines = [];
  for (const w of words) {
    const last = lines.length - 1;
    if (last >= 0 && !lines[last].endsWith('-') && lines[last].length + 1 + w.length <= n) lines[last] += ` ${w}`;
    else lines.push(w);
  }
  if (lines.length > most) {
    lines.length = most;
    lines[most - 1] = `${lines[most - 1].slice(0, n - 1)}…`;
  }
  return lines;
}

const LINE = 14; // px a label line takes at 12 px
const MOST_LINES = 6;

export function Sankey({ nodes, links, label, height = 320, valueText = (v) => String(v) }) {
  const ref = useRef(null);
  const width = useContainerWidth(ref);
  const [d3, setD3] = useState(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let cancelled = false;
    loadSankey()
      .then((m) => !cancelled && setD3(m))
      .catch(() => !cancelled && setFailed(true));
    return () => {
      cancelled = true;
    };
  }, []);

  const w = Math.max(320, width || 640);
  // Room for the labels outside the nodes: sources on the left, destinations on the right.
  const left = Math.min(240, Math.round(w * 0.28));
  const right = Math.min(250, Math.round(w * 0.3));
  const mid = w / 2;
  // At most about 7 px a character at 12 px.
  const roomOf = (onLeft) => Math.max(8, Math.floor(((onLeft ? left : right) - 10) / 7));
  const textOf = (n) => `${n.label} (${valueText(n.value)})`;
  const used = new Set(links.flatMap((l) => [l.source, l.target]));
  const shown = nodes.filter((n) => used.has(n.id));
  const lay = (h, padding, margin = 8) =>
    d3
      .sankey()
      .nodeId((d) => d.id)
      .nodeAlign(d3.sankeyJustify)
      .nodeWidth(14)
      .nodePadding(padding)
      .nodeSort(null)
      .extent([
        [left, margin],
        [w - right, h - margin],
      ])({ nodes: shown.map((d) => ({ ...d })), links: links.map((d) => ({ ...d })) });
  let graph = null;
  let h = height;
  if (d3 && links.length) {
    graph = lay(h, LINE);
    // A label takes the lines it needs beside its node (up to six): the
    // nodes then stand as far apart as the longest label on their side
    // needs, and the diagram grows as tall as that takes, rather than the
    // names being cut (a trust's name has no shorter form).
    const need = (n) => Math.min(MOST_LINES, wrap(textOf(n), roomOf(n.x0 < mid)).length);
    const lines = Math.max(1, ...graph.nodes.map(need));
    if (lines > 1) {
      const perSide = Math.max(...[true, false].map((l) => graph.nodes.filter((n) => n.x0 < mid === l).length));
      const padding = lines * LINE + 2;
      // The first and last labels' lines above and below their nodes too.
      const margin = 8 + ((lines - 1) * LINE) / 2;
      h = Math.max(height, (perSide - 1) * padding + 2 * margin + 120);
      graph = lay(h, padding, margin);
    }
  }
  const colourOf = new Map(shown.map((n, i) => [n.id, n.colour || COLOURS[i % COLOURS.length]]));
  const path = d3 ? d3.sankeyLinkHorizontal() : null;
  // The lines each node's label may take: as many as fit halfway to the
  // nearest node on its side, one to MOST_LINES.
  const linesFor = new Map();
  if (graph) {
    for (const onLeft of [true, false]) {
      const side = graph.nodes.filter((n) => n.x0 < mid === onLeft).sort((a, b) => a.y0 + a.y1 - b.y0 - b.y1);
      side.forEach((n, i) => {
        const c = (n.y0 + n.y1) / 2;
        const up = i > 0 ? c - (side[i - 1].y0 + side[i - 1].y1) / 2 : Infinity;
        const down = i < side.length - 1 ? (side[i + 1].y0 + side[i + 1].y1) / 2 - c : Infinity;
        linesFor.set(n.id, Math.max(1, Math.min(MOST_LINES, Math.floor(Math.min(up, down) / LINE))));
      });
    }
  }
  return (
    <div class="chart sankey" ref={ref} data-chart="1" data-sankey="1" style={{ minHeight: `${h}px` }}>
      {graph ? (
        <svg width={w} height={h} viewBox={`0 0 ${w} ${h}`} role="img" aria-label={label} style={{ fontSize: '12px', fontFamily: 'inherit', maxWidth: '100%', height: 'auto' }}>
          <g fill="none">
            {graph.links.map((l, i) => (
              <path key={i} d={path(l)} stroke={colourOf.get(l.target.id)} stroke-opacity="0.45" stroke-width={Math.max(1, l.width)}>
                <title>{`${l.source.label} → ${l.target.label}: ${valueText(l.value)}`}</title>
              </path>
            ))}
          </g>
          <g>
            {graph.nodes.map((n) => (
              <rect key={n.id} x={n.x0} y={n.y0} width={n.x1 - n.x0} height={Math.max(1, n.y1 - n.y0)} fill={n.x0 < mid ? '#0b0c0c' : colourOf.get(n.id)}>
                <title>{`${n.label}: ${valueText(n.value)}`}</title>
              </rect>
            ))}
          </g>
          <g fill="#0b0c0c">
            {graph.nodes.map((n) => {
              const onLeft = n.x0 < mid;
              const room = roomOf(onLeft);
              let lines = wrap(textOf(n), room, linesFor.get(n.id));
              const cut = (ls) => ls.some((l) => l.endsWith('…'));
              // Too long: the short name with the figure, else the short
              // name alone (the figure is in the node's title and the table).
              if (n.short && cut(lines)) lines = wrap(`${n.short} (${valueText(n.value)})`, room, linesFor.get(n.id));
              if (n.short && cut(lines) && !cut(wrap(n.short, room, linesFor.get(n.id)))) lines = wrap(n.short, room, linesFor.get(n.id));
              const x = onLeft ? n.x0 - 6 : n.x1 + 6;
              return (
                <text key={n.id} x={x} y={(n.y0 + n.y1) / 2} text-anchor={onLeft ? 'end' : 'start'}>
                  {lines.map((line, i) => (
                    <tspan key={i} x={x} dy={i === 0 ? `${0.35 - (lines.length - 1) * 0.6}em` : '1.2em'}>
                      {line}
                    </tspan>
                  ))}
                </text>
              );
            })}
          </g>
        </svg>
      ) : failed ? (
        <p class="muted">The diagram could not be drawn; the table holds the same figures.</p>
      ) : !d3 ? null : (
        <p class="muted">No flows to draw: every figure is hidden or zero. The table holds what there is.</p>
      )}
    </div>
  );
}
