import type { IndicatorDefinition } from './catalogue';

/**
 * Small-cell suppression of sensitive counts (UU 27/2022: health and children's data are specific
 * personal data). "2 stunted children" in a village points at two families; so a sensitive
 * indicator's numerator below the minimum cell size (or a complement below it: "all but 2") is
 * hidden (primary suppression), and so is a second cell wherever a hidden one could be recovered
 * by subtraction from a published total (complementary suppression): the children of a region
 * against the region's own count, and the deciles against their published total and against the
 * "deciles 1-4" count.
 */

/** Themes and indicators whose counts are suppressed when small. */
export function isSensitive(def: Pick<IndicatorDefinition, 'id' | 'theme'>): boolean {
  return def.theme === 'health' || def.theme === 'stunting' || def.id.startsWith('social.disability') || def.id === 'social.severe-disability' || def.id.startsWith('economy.decile.') || def.id === 'economy.low-welfare';
}

/** One published number: a numerator, with the denominator it is a share of (if any). */
export interface Cell {
  numerator: number;
  denominator: number | null;
  /** Set by the caller for cells already hidden elsewhere (e.g. in the parent region's table). */
  hidden?: boolean;
}

/** A published total (a cell, or a number known outside the table) and the cells that sum to it. */
export interface SumGroup {
  /** Index of the total's cell, or 'published' for a total the reader knows otherwise (a denominator). */
  total: number | 'published';
  members: number[];
}

/** Primary suppression: 0 < n < k, or a share of some (n > 0) whose complement is 0 < d - n < k ("all but 2"). */
export function primarilyHidden(cell: Cell, minCell: number): boolean {
  if (cell.numerator > 0 && cell.numerator < minCell) return true;
  if (cell.denominator !== null && cell.numerator > 0) {
    const rest = cell.denominator - cell.numerator;
    if (rest > 0 && rest < minCell) return true;
  }
  return false;
}

/**
 * Which cells to hide: every primary one; then, while some hidden cell can be worked out from what is
 * published (the groups' sums solved as linear equations over the hidden cells, so that overlapping
 * sums such as "deciles 1-4" inside "all deciles" are caught too), one more cell of a group that
 * holds it: the smallest visible one, hiding least (a total only when its members are all hidden).
 * Deterministic for the same cells.
 */
export function cellsToHide(cells: readonly Cell[], groups: readonly SumGroup[], minCell: number, choosable: (cell: number) => boolean = () => true): boolean[] {
  const hidden = cells.map((c) => Boolean(c.hidden) || primarilyHidden(c, minCell));
  for (;;) {
    const exposed = recoverableCell(hidden, groups);
    if (exposed === null) return hidden;
    const smallest = (candidates: number[]) =>
      candidates.filter((c) => !hidden[c] && choosable(c)).reduce<number | null>((best, c) => (best === null || cells[c].numerator < cells[best].numerator || (cells[c].numerator === cells[best].numerator && c < best) ? c : best), null);
    const around = groups.filter((g) => g.members.includes(exposed) || g.total === exposed);
    // A visible member beside it; else the visible total of one of its groups; else any visible cell of any group.
    const pick =
      smallest(around.flatMap((g) => g.members)) ??
      smallest(around.flatMap((g) => (typeof g.total === 'number' ? [g.total] : []))) ??
      smallest(groups.flatMap((g) => [...g.members, ...(typeof g.total === 'number' ? [g.total] : [])]));
    if (pick === null) return hidden;
    hidden[pick] = true;
  }
}

/** A hidden cell determined by the groups' equations (reduced row echelon form), or null. */
function recoverableCell(hidden: readonly boolean[], groups: readonly SumGroup[]): number | null {
  const vars = new Map<number, number>();
  const cellOf: number[] = [];
  const variable = (cell: number) => {
    if (!vars.has(cell)) {
      vars.set(cell, cellOf.length);
      cellOf.push(cell);
    }
    return vars.get(cell)!;
  };
  const equations: Array<Map<number, number>> = [];
  for (const g of groups) {
    const e = new Map<number, number>();
    for (const m of g.members) if (hidden[m]) e.set(variable(m), (e.get(variable(m)) ?? 0) + 1);
    if (typeof g.total === 'number' && hidden[g.total]) e.set(variable(g.total), (e.get(variable(g.total)) ?? 0) - 1);
    if (e.size > 0) equations.push(e);
  }
  if (equations.length === 0) return null;
  // Independent sets of equations (no shared hidden cell) are solved apart: most are one sum.
  const parent = cellOf.map((_, i) => i);
  const find = (x: number): number => (parent[x] === x ? x : (parent[x] = find(parent[x])));
  for (const e of equations) {
    const [first, ...rest] = [...e.keys()];
    for (const v of rest) parent[find(v)] = find(first);
  }
  const parts = new Map<number, Array<Map<number, number>>>();
  for (const e of equations) {
    const root = find(e.keys().next().value as number);
    parts.set(root, [...(parts.get(root) ?? []), e]);
  }
  for (const part of parts.values()) {
    const found = determined(part);
    if (found !== null) return cellOf[found];
  }
  return null;
}

/** A variable fixed by a set of linear equations (one with a single non-zero left in reduced row echelon form), or null. */
function determined(equations: ReadonlyArray<Map<number, number>>): number | null {
  const columns = [...new Set(equations.flatMap((e) => [...e.keys()]))];
  const col = new Map(columns.map((v, j) => [v, j]));
  const n = columns.length;
  const m = equations.map((e) => {
    const row = new Array<number>(n).fill(0);
    for (const [v, c] of e) row[col.get(v)!] = c;
    return row;
  });
  let r = 0;
  for (let lead = 0; lead < n && r < m.length; lead++) {
    let pivot = -1;
    for (let i = r; i < m.length; i++) if (Math.abs(m[i][lead]) > 1e-9) {
      pivot = i;
      break;
    }
    if (pivot < 0) continue;
    [m[r], m[pivot]] = [m[pivot], m[r]];
    const p = m[r][lead];
    for (let j = 0; j < n; j++) m[r][j] /= p;
    for (let i = 0; i < m.length; i++) {
      if (i === r || Math.abs(m[i][lead]) <= 1e-9) continue;
      const f = m[i][lead];
      for (let j = 0; j < n; j++) m[i][j] -= f * m[r][j];
    }
    r++;
  }
  for (let i = 0; i < r; i++) {
    let only = -1;
    let count = 0;
    for (let j = 0; j < n && count < 2; j++) if (Math.abs(m[i][j]) > 1e-9) {
      count += 1;
      only = j;
    }
    if (count === 1) return columns[only];
  }
  return null;
}

/** A region's counters and its children's, as an indicator table is built from. */
export interface CounterTable {
  own: Readonly<Record<string, number>>;
  children: ReadonlyArray<Readonly<Record<string, number>>>;
}

export interface HiddenCells {
  /** Indicator ids hidden in the region's own row. */
  own: Set<string>;
  /** Per child (in the table's order), the indicator ids hidden. */
  children: Array<Set<string>>;
}

const sum = (counters: Readonly<Record<string, number>>, ids: readonly string[]) => ids.reduce((s, id) => s + (counters[id] ?? 0), 0);
const DECILES = Array.from({ length: 10 }, (_, i) => `economy.decile.${i + 1}`);
const LOW_WELFARE = 'economy.low-welfare';

/** The sensitive cells of one region's row, and the sums inside it (all deciles; deciles 1-4). */
function rowCells(sensitive: readonly IndicatorDefinition[], counters: Readonly<Record<string, number>>, offset: number) {
  const at = new Map<string, number>();
  const cells: Cell[] = sensitive.map((d, i) => {
    at.set(d.id, offset + i);
    return { numerator: sum(counters, d.numerator), denominator: d.denominator ? sum(counters, d.denominator) : null };
  });
  const groups: SumGroup[] = [];
  const deciles = DECILES.map((id) => at.get(id)).filter((i): i is number => i !== undefined);
  if (deciles.length === DECILES.length) {
    groups.push({ total: 'published', members: deciles });
    const low = at.get(LOW_WELFARE);
    if (low !== undefined) groups.push({ total: low, members: deciles.slice(0, 4) });
  }
  return { cells, groups, at };
}

/** A row decided on its own: small cells, and what its own sums would give away. */
function rowHidden(sensitive: readonly IndicatorDefinition[], counters: Readonly<Record<string, number>>, minCell: number): boolean[] {
  const { cells, groups } = rowCells(sensitive, counters, 0);
  return cellsToHide(cells, groups, minCell);
}

/**
 * A table: each row decided on its own first, then more of the children's cells hidden until no
 * hidden cell follows from the sums (a region's count = its children's, and each row's own sums).
 * The region's own row is never changed here.
 */
function hideInTable(sensitive: readonly IndicatorDefinition[], table: CounterTable, minCell: number): boolean[][] {
  const rows = [table.own, ...table.children];
  const cells: Cell[] = [];
  const groups: SumGroup[] = [];
  const ats: Array<Map<string, number>> = [];
  rows.forEach((counters) => {
    const row = rowCells(sensitive, counters, cells.length);
    const local = rowHidden(sensitive, counters, minCell);
    row.cells.forEach((c, i) => cells.push({ ...c, hidden: local[i] }));
    groups.push(...row.groups);
    ats.push(row.at);
  });
  if (table.children.length > 0) for (const d of sensitive) groups.push({ total: ats[0].get(d.id)!, members: table.children.map((_, c) => ats[c + 1].get(d.id)!) });
  const hidden = cellsToHide(cells, groups, minCell, (cell) => cell >= sensitive.length);
  return rows.map((_, r) => sensitive.map((d) => hidden[ats[r].get(d.id)!]));
}

/**
 * The cells hidden in a region's indicator table, the same in every answer that shows them. Each
 * row is first decided on its own (its small cells, and what its own sums would give away); a
 * child's row then also hides what its parent's table needs hidden so that no cell follows from
 * subtracting its siblings from the parent's count. So a region shows its own row as its parent's
 * table decides it: pass the parent's table and the region's place among the parent's children
 * (none for the country). All sensitive indicators of the catalogue are considered together,
 * whatever `defs` the caller shows.
 */
export function hiddenCells(
  defs: readonly IndicatorDefinition[],
  table: CounterTable,
  minCell: number,
  parent?: { table: CounterTable; index: number },
  sensitiveOf: (def: IndicatorDefinition) => boolean = isSensitive,
): HiddenCells {
  const sensitive = defs.filter(sensitiveOf);
  const ids = (flags: boolean[]) => new Set(sensitive.filter((_, i) => flags[i]).map((d) => d.id));
  const mine = hideInTable(sensitive, table, minCell);
  const own = parent ? hideInTable(sensitive, parent.table, minCell)[parent.index + 1] : mine[0];
  return { own: ids(own), children: mine.slice(1).map(ids) };
}

/** The counters of one programme's eligibility counts in a region's row (see {@link hiddenProgrammeCounts}). */
export const programmeCounters = (programmeId: string, counts: { eligible: number; notEligible: number }) => ({
  [`${programmeId}:eligible`]: counts.eligible,
  [`${programmeId}:not-eligible`]: counts.notEligible,
});

/**
 * Eligibility counts per programme (`GET /v1/regions/{code}/eligibility`) under the same rule as the
 * indicators: every programme is sensitive (its decision tells a family's welfare, health or
 * disability), a count of eligible persons or families below the minimum cell size, or a count of
 * the not eligible below it ("all but 2"), is hidden, and so is whatever else would give it away by
 * subtraction from the region's count (complementary suppression over the region's children, decided
 * in the parent's table as for indicators). Rows are `programmeCounters` of each programme.
 */
export function hiddenProgrammeCounts(programmeIds: readonly string[], table: CounterTable, minCell: number, parent?: { table: CounterTable; index: number }): HiddenCells {
  const defs = programmeIds.map(
    (id) =>
      ({
        id,
        theme: 'economy',
        label: { id, en: id },
        unit: 'count',
        numerator: [`${id}:eligible`],
        denominator: [`${id}:eligible`, `${id}:not-eligible`],
        definition: { numerator: { id, en: id } },
      }) as unknown as IndicatorDefinition,
  );
  return hiddenCells(defs, table, minCell, parent, () => true);
}
