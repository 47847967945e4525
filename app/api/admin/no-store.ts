/** Admin answers are per user and change by the second: never cached. */
export const NO_STORE = { headers: { "cache-control": "no-store" } } as const;
