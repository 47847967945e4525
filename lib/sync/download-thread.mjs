// Worker thread entry of importDownload (download-import.ts): plain JavaScript, because a worker
// does not inherit the TypeScript loader of whatever started the process; tsx loads the rest.
import v8 from "node:v8";
import { register } from "tsx/esm/api";

// V8 may decide, early and at random, to allocate the read's short-lived objects straight in the
// old generation ("allocation-site pretenuring"); the thread then collected its old generation
// every 80–100 ms for its whole life and took 23–31 µs of CPU a row instead of 14–17
// (docs/performance.md, issue 16). The flag is the process's, read by V8 at each collection;
// Node keeps flags writable after start for this call.
v8.setFlagsFromString("--no-allocation-site-pretenuring");
register();
await import("./download-thread.ts");
