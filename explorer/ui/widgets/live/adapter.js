// The one place that knows the page's markup beyond the live widgets' own: Streamlit's generated class names and
// Plotly's private fields. Streamlit gives the element of a keyed widget or chart the class st-key-<key>; Plotly's
// chart is the .js-plotly-plot element inside it, its plot area the .nsewdrag drag layer, its axes' current ranges
// in _fullLayout and the point under the pointer in _hoverdata. A Streamlit or Plotly upgrade that changes any of
// these breaks only this file (and the browser tests: tests/test_live_browser.py, tests/test_browser.py).

/** The CSS selector of the element Streamlit renders for the widget or chart with this key. */
const keySelector = (key) => `.st-key-${key}`;

/** The element of the widget or chart with this key that holds `node` (or is it), or null. */
export function keyedAncestor(node, key) {
  return node.closest(keySelector(key));
}

/** The Plotly chart (its graph div) of the chart with this key on the page, or null. */
export function plotOf(key) {
  return document.querySelector(`${keySelector(key)} .js-plotly-plot`);
}

/** The Plotly chart of the chart with this key that holds the element `target`, or null. */
export function plotAround(target, key) {
  const host = target instanceof Element && keyedAncestor(target, key);
  return host ? host.querySelector(".js-plotly-plot") : null;
}

/** A chart's plot area (the element over the axes' ranges), or null before Plotly has drawn it. */
export function plotArea(plot) {
  return plot.querySelector(".nsewdrag");
}

/** A chart's current axis ranges ({x: [x0, x1], y: [y0, y1]}, after zoom and pan), or null before Plotly has laid
 * it out. */
export function axisRanges(plot) {
  const layout = plot._fullLayout;
  return layout ? { x: layout.xaxis.range, y: layout.yaxis.range } : null;
}

/** The point Plotly's hover names under the pointer ({curve, index, x, y}), or null when there is none or it is not
 * at numeric coordinates. */
export function hoveredPoint(plot) {
  const h = plot._hoverdata && plot._hoverdata[0];
  return h && typeof h.x === "number" && typeof h.y === "number"
    ? { curve: h.curveNumber, index: h.pointNumber ?? h.pointIndex ?? 0, x: h.x, y: h.y }
    : null;
}

/** Whether the chart takes event listeners yet (Plotly adds `on` to the graph div when it draws). */
export function canListen(plot) {
  return Boolean(plot.on);
}

/** Call `fn` after every redraw of the chart (zoom, pan, resize, new data). */
export function afterEveryPlot(plot, fn) {
  plot.on("plotly_afterplot", fn);
}
