/** The suitability ramp's stops (viridis, light → dark), suitability from the threshold to 1: tiles and legend share it. */
export const RAMP: readonly [number, number, number][] = [
  [253, 231, 37],
  [94, 201, 98],
  [33, 145, 140],
  [59, 82, 139],
  [68, 1, 84],
];
