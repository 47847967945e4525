// Worker thread entry of hullsInThread (hulls.ts): plain JavaScript, because a worker does not
// inherit the TypeScript loader of whatever started the process; tsx loads the rest.
import { register } from "tsx/esm/api";

register();
await import("./hulls-thread.ts");
