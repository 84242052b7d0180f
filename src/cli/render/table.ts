/** Plain text tables: columns padded to the widest cell, colour applied after padding. */

export interface Cell {
  text: string;
  paint?: (text: string) => string;
}

export type Row = (Cell | string)[];

function cell(value: Cell | string): Cell {
  return typeof value === 'string' ? { text: value } : value;
}

/** Renders rows (the first is usually a header) to lines, trailing spaces trimmed. */
export function renderTable(rows: Row[], gap = 2): string[] {
  const cells = rows.map((row) => row.map(cell));
  const widths: number[] = [];
  for (const row of cells) {
    row.forEach((c, i) => {
      widths[i] = Math.max(widths[i] ?? 0, c.text.length);
    });
  }
  return cells.map((row) =>
    row
      .map((c, i) => {
        const pad = i === row.length - 1 ? '' : ' '.repeat((widths[i] ?? 0) - c.text.length + gap);
        return (c.paint ? c.paint(c.text) : c.text) + pad;
      })
      .join('')
      .replace(/ +$/, ''),
  );
}
