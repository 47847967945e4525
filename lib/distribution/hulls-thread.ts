/**
 * The hull thread (hulls.ts): answers one request at a time, in the order they come, and keeps the
 * request's triangulation for the next one after answering (kept-meshes.ts).
 */
import { parentPort } from "node:worker_threads";
import { answer, transferOf, type HullsRequest } from "./hulls";
import { keepLastMesh } from "./kept-meshes";

parentPort!.on("message", (request: HullsRequest) => {
  const reply = answer(request);
  parentPort!.postMessage(reply, transferOf(reply));
  keepLastMesh();
});
