/**
 * Worker thread of World.create: fills a range of records of a world being generated, into
 * columns on shared memory (what Generator.fillRecord does for each; link() runs afterwards, in
 * order, on the main thread).
 */
import { parentPort, workerData } from "node:worker_threads";
import { Columns } from "./columns";
import { Generator } from "./generate";
import { initialSpecies } from "./taxa";
import type { FillJob } from "./parallel";

const job = workerData as FillJob;
const cols = Columns.over(job.buffers, job.capacity);
const generator = new Generator(job.seed, initialSpecies(), job.snapshotMs, job.historySize);
for (let i = job.from; i < job.to; i++) generator.fillRecord(cols, i);
parentPort!.postMessage("done");
