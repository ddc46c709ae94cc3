import { ERROR_STATUS, type ErrorCode } from "../shared/errors.js";

/** Thrown by commands and routes; the HTTP layer turns it into the one error shape. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export const notFound = (what = "not found") => new AppError("not_found", what);

/**
 * The database cannot be reached (PostgreSQL restarting or stopped, a connection cut, the embedded
 * store's thread gone), however the driver and Drizzle wrap it: the request is answered 503, "try
 * again", rather than 500, and nothing it asked for was committed. SQLSTATE classes 08 (connection
 * exception) and 57P (operator intervention: shutdown, crash recovery), and the socket errors of a
 * refused or broken connection.
 */
const UNREACHABLE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "57P01", "57P02", "57P03", "53300"]);
const UNREACHABLE_MESSAGES = /Connection terminated|connection timeout|Client has encountered a connection error|the embedded database (thread|is closed)/i;

export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e: unknown = err, i = 0; e && i < 5; e = (e as { cause?: unknown }).cause, i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && (UNREACHABLE_CODES.has(code) || code.startsWith("08"))) return true;
    const message = (e as { message?: unknown }).message;
    if (typeof message === "string" && UNREACHABLE_MESSAGES.test(message)) return true;
    // AggregateError (node's connect tries every address): unreachable when all its errors are.
    const errors = (e as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.length > 0 && errors.every((x) => isDatabaseUnavailable(x))) return true;
  }
  return false;
}

export const databaseUnavailable = () => new AppError("unavailable", "the database cannot be reached just now; nothing was saved, try again in a moment", { reason: "database_unavailable" });
