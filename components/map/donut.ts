/**
 * Cluster donuts: each cluster's icon is an image named after what it shows
 * (`donut:<label>:<segments>:<contentious>`), built by a style expression from the tile's
 * properties and drawn on a canvas the first time MapLibre asks for it. Labels are rounded
 * (1.2k) and segments quantised to 1/24 of the circle, so clusters share images.
 */
import type { ExpressionSpecification } from "maplibre-gl";
import { CLASSIFICATIONS, classificationKey } from "@/lib/domain/codes";
import { CATEGORY_COLOURS, CONTENTIOUS_COLOUR } from "@/lib/domain/colours";

export const DONUT_PREFIX = "donut:";
const STEPS = 24;

const count: ExpressionSpecification = ["get", "count"];
const oneDecimal = (divisor: number): ExpressionSpecification => ["/", ["round", ["/", count, divisor / 10]], 10];

/** 999, 1.2k, 12k, 1.2M: the label in the middle of the donut. */
const label: ExpressionSpecification = [
  "case",
  [">=", count, 1e6],
  ["concat", ["to-string", oneDecimal(1e6)], "M"],
  [">=", count, 1e4],
  ["concat", ["to-string", ["round", ["/", count, 1000]]], "k"],
  [">=", count, 1000],
  ["concat", ["to-string", oneDecimal(1000)], "k"],
  ["to-string", count],
];

/** A category's share in 24ths, at least one when it has any record (a rare category stays visible). */
const steps = (key: string): ExpressionSpecification => [
  "case",
  [">", ["get", key], 0],
  ["max", 1, ["round", ["*", STEPS, ["/", ["get", key], count]]]],
  0,
];

export const donutImageExpression: ExpressionSpecification = [
  "concat",
  DONUT_PREFIX,
  label,
  ":",
  ...CLASSIFICATIONS.flatMap((c, i): (string | ExpressionSpecification)[] => (i ? [",", steps(classificationKey[c])] : [steps(classificationKey[c])])),
  ":",
  ["case", [">", ["get", "contentious"], 0], "1", "0"],
] as ExpressionSpecification;

/** The record count a label stands for, roughly (it only sizes the donut). */
function labelCount(text: string): number {
  const n = parseFloat(text);
  return text.endsWith("M") ? n * 1e6 : text.endsWith("k") ? n * 1e3 : n;
}

/** Diameter in CSS pixels: 30 for a handful of records, up to 62 for a million. */
export function donutSize(records: number): number {
  return Math.round(30 + 5.3 * Math.log10(Math.max(1, records)));
}

/** Draws the donut an image id describes; null if the id is not a donut's. */
export function drawDonut(id: string, pixelRatio: number): ImageData | null {
  const m = /^donut:([\d.]+[kM]?):(\d+),(\d+),(\d+),(\d+):([01])$/.exec(id);
  if (!m) return null;
  const text = m[1];
  const segments = m.slice(2, 6).map(Number);
  const contentious = m[6] === "1";
  const size = donutSize(labelCount(text));
  const px = Math.ceil(size * pixelRatio);
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = px;
  const ctx = canvas.getContext("2d")!;
  ctx.scale(pixelRatio, pixelRatio);
  const c = size / 2;
  const outer = c - 1.5;
  const ring = Math.max(6, size * 0.22);
  // A white rim keeps the donut readable over any basemap colour and over its neighbours.
  ctx.beginPath();
  ctx.arc(c, c, c - 0.5, 0, 2 * Math.PI);
  ctx.fillStyle = contentious ? CONTENTIOUS_COLOUR : "#ffffff";
  ctx.fill();
  const total = segments.reduce((a, b) => a + b, 0) || 1;
  let angle = -Math.PI / 2;
  CLASSIFICATIONS.forEach((category, i) => {
    if (segments[i] === 0) return;
    const sweep = (2 * Math.PI * segments[i]) / total;
    ctx.beginPath();
    ctx.moveTo(c, c);
    ctx.arc(c, c, outer, angle, angle + sweep);
    ctx.closePath();
    ctx.fillStyle = CATEGORY_COLOURS[category];
    ctx.fill();
    angle += sweep;
  });
  ctx.beginPath();
  ctx.arc(c, c, outer - ring, 0, 2 * Math.PI);
  ctx.fillStyle = "#ffffff";
  ctx.fill();
  ctx.fillStyle = "#0f172a";
  ctx.font = `600 ${Math.round(size * (text.length > 3 ? 0.27 : 0.32))}px system-ui, sans-serif`;
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  ctx.fillText(text, c, c + 0.5);
  return ctx.getImageData(0, 0, px, px);
}
