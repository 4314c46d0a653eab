import { useEffect, useRef, useState } from 'preact/hooks';

// Observable Plot is loaded on first use, so the search page stays small.
let plotModule = null;
export function loadPlot() {
  if (!plotModule) plotModule = import('../plot.js');
  return plotModule;
}

// The width of the element `ref` points at, in whole pixels, followed as it
// resizes (changes of 8 px or less are ignored); 0 until it is laid out.
export function useContainerWidth(ref) {
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const el = ref.current;
    if (!el) return undefined;
    const measure = () => {
      const w = Math.floor(el.clientWidth);
      setWidth((old) => (w > 0 && Math.abs(w - old) > 8 ? w : old));
    };
    measure();
    if (typeof ResizeObserver === 'undefined') return undefined;
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return width;
}

// A chart drawn by `draw(Plot, width)` (which returns Plot's SVG), sized to
// its container and redrawn when that changes. `label` names it for screen
// readers; the table beside it holds the same figures.
export function Chart({ draw, dataKey, label, minHeight = 120 }) {
  const ref = useRef(null);
  const width = useContainerWidth(ref);
  const [failed, setFailed] = useState(false);


  useEffect(() => {
    let cancelled = false;
    const el = ref.current;
    if (!el) return undefined;
    loadPlot()
      .then((Plot) => {
        if (cancelled) return;
        const svg = draw(Plot, Math.max(260, width || 560));
        // One accessible image; Plot's labels on its inner groups would be
        // ARIA on elements without a role.
        for (const node of svg.querySelectorAll('[aria-label], [aria-description], [aria-hidden]')) {
          node.removeAttribute('aria-label');
          node.removeAttribute('aria-description');
          node.removeAttribute('aria-hidden');
        }
        svg.removeAttribute('aria-description');
        svg.setAttribute('role', 'img');
        svg.setAttribute('aria-label', label);
        el.replaceChildren(svg);
      })
      .catch(() => {
        if (!cancelled) setFailed(true);
      });
    return () => {
      cancelled = true;
    };
  }, [dataKey, width]);

  return (
    <div class="chart" ref={ref} style={{ minHeight: `${minHeight}px` }} data-chart="1">
      {failed ? <p class="muted">The chart could not be drawn; the table holds the same figures.</p> : null}
    </div>
  );
}
