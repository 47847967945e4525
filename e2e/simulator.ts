/** The e2e system's ALA simulator (e2e/server.ts starts it on this port), for its control API. */
export const SIMULATOR_URL = `http://127.0.0.1:${process.env.E2E_SIMULATOR_PORT ?? "3211"}`;
