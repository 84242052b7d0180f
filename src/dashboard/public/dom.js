// DOM helpers of the dashboard: elements built from data, text always set as text (never parsed
// as HTML), and the badge of a named state with its tone as a data attribute (style.css colours
// tones; which state has which tone is src/format/tones.ts, the same table as the CLI's colours).

import { toneOf } from '/lib/format/index.js';

/** Builds an element; text is always set as text, never parsed as HTML. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k.startsWith('data-') || k === 'title' || k === 'role' || k.startsWith('aria-')) el.setAttribute(k, String(v));
    else el[k] = v;
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Builds an SVG element. */
export function s(tag, attrs = {}) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

/** A state's badge: `data-badge` names the state, `data-tone` its tone (good, progress, warn, leaving, bad, idle). */
export function badge(state, text) {
  return h('span', { class: 'badge', 'data-badge': state, 'data-tone': toneOf(state) }, text ?? state.replace(/_/g, ' '));
}
