/** The hull thread (hulls.ts): answers one request at a time, in the order they come. */
import { parentPort } from "node:worker_threads";
import { answer, transferOf, type HullsRequest } from "./hulls";

parentPort!.on("message", (request: HullsRequest) => {
  const reply = answer(request);
  parentPort!.postMessage(reply, transferOf(reply));
});
