import pino from "pino";

/**
 * The one logger. JSON lines by default (what log shippers want); `LOG_LEVEL` picks the level.
 * Sensitive species' accurate coordinates must never be passed to it.
 */
export const log = pino({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === "test" ? "silent" : "info"),
  base: { app: "edgar" },
  redact: ["password", "apiKey", "*.password", "*.apiKey", "headers.authorization", "headers.cookie"],
});

export type Logger = typeof log;
