/** Compares two `major.minor.patch[-pre]` versions: negative when a < b, 0 when equal, positive when a > b. */
export function compareVersions(a: string, b: string): number {
  const pa = parse(a);
  const pb = parse(b);
  for (let i = 0; i < 3; i++) {
    const diff = (pa.nums[i] ?? 0) - (pb.nums[i] ?? 0);
    if (diff !== 0) return diff;
  }
  // A pre-release sorts before its release (1.0.0-rc.1 < 1.0.0).
  if (pa.pre === pb.pre) return 0;
  if (pa.pre === '') return 1;
  if (pb.pre === '') return -1;
  return pa.pre < pb.pre ? -1 : 1;
}

function parse(version: string): { nums: number[]; pre: string } {
  const [core = '', pre = ''] = version.trim().replace(/^v/, '').split('-', 2);
  return { nums: core.split('.').map((n) => Number.parseInt(n, 10) || 0), pre };
}
