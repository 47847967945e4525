/**
 * A polygon's outline as its directed edges: the same whatever vertex each ring starts at (a closed
 * ring's closing repeat is no edge), the order of rings, and whether two parts touching at a vertex
 * are traced as one ring or two. What tests compare when a triangulation was changed rather than
 * made anew (kept-meshes.ts).
 */
export function outline(polygons: number[][][][]): string[] {
  return polygons
    .flatMap((p) => p.flatMap((ring) => ring.map((a, i) => [`${a}`, `${ring[(i + 1) % ring.length]}`])))
    .filter(([a, b]) => a !== b)
    .map(([a, b]) => `${a} > ${b}`)
    .sort();
}
