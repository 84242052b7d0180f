/**
 * Which member of a socket gets the next connection: pure logic, no I/O.
 *
 * Without weights: round robin over the routable members (a revision's share is its worker
 * count, as under node:cluster). With weights (revision → share): smooth weighted round robin
 * over the revisions that have a routable member (nginx's algorithm: exact shares, evenly
 * interleaved), then round robin inside the chosen revision. A weighted revision without a
 * routable member gives its share to the others; revisions without a weight get none while a
 * weighted one can serve.
 */

export interface PickerMember {
  readonly revision: number;
  routable: boolean;
}

export class Picker<M extends PickerMember> {
  readonly members: M[] = [];
  private cursor = 0;
  private weights: ReadonlyMap<number, number> | null = null;
  /** Smooth weighted round robin: each revision's running score. */
  private readonly score = new Map<number, number>();
  /** Round robin inside each revision: the index of the last member picked. */
  private readonly revCursor = new Map<number, number>();

  add(member: M): void {
    this.members.push(member);
  }

  remove(member: M): boolean {
    const at = this.members.indexOf(member);
    if (at < 0) return false;
    this.members.splice(at, 1);
    if (this.cursor > at) this.cursor--;
    return true;
  }

  /** Shares by revision (any positive numbers; they are normalised); null: by worker count. */
  setWeights(weights: ReadonlyMap<number, number> | null): void {
    this.weights = weights && [...weights.values()].some((w) => w > 0) ? weights : null;
    this.score.clear();
  }

  get hasRoutable(): boolean {
    return this.members.some((m) => m.routable);
  }

  /** The member for the next connection, or null when none is routable. */
  pick(): M | null {
    if (this.weights !== null) {
      const revision = this.pickRevision(this.weights);
      if (revision !== null) return this.pickIn(revision);
    }
    return this.pickAny();
  }

  private pickAny(): M | null {
    const n = this.members.length;
    for (let i = 0; i < n; i++) {
      const at = (this.cursor + i) % n;
      const m = this.members[at]!;
      if (m.routable) {
        this.cursor = (at + 1) % n;
        return m;
      }
    }
    return null;
  }

  private pickRevision(weights: ReadonlyMap<number, number>): number | null {
    let total = 0;
    let best: number | null = null;
    let bestScore = -Infinity;
    for (const [revision, weight] of weights) {
      if (weight <= 0 || !this.members.some((m) => m.routable && m.revision === revision)) continue;
      const s = (this.score.get(revision) ?? 0) + weight;
      this.score.set(revision, s);
      total += weight;
      if (s > bestScore) {
        bestScore = s;
        best = revision;
      }
    }
    if (best !== null) this.score.set(best, bestScore - total);
    return best;
  }

  private pickIn(revision: number): M | null {
    const n = this.members.length;
    const start = ((this.revCursor.get(revision) ?? -1) + 1) % Math.max(n, 1);
    for (let i = 0; i < n; i++) {
      const at = (start + i) % n;
      const m = this.members[at]!;
      if (m.routable && m.revision === revision) {
        this.revCursor.set(revision, at);
        return m;
      }
    }
    return null;
  }
}
