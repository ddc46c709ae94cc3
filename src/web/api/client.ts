import { isApiError, type ErrorCode } from "../../shared/errors";

/**
 * The one way the console talks to the staff API: JSON in and out, the session cookie sent by the
 * browser, and the CSRF token (kept in memory only, never in storage) on every non-GET call.
 * Errors come back as `ApiError` carrying the server's code, which the pages translate.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | "network",
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

let csrfToken: string | null = null;
const unauthenticatedListeners = new Set<(code: ErrorCode) => void>();

export function setCsrfToken(token: string | null) {
  csrfToken = token;
}

/**
 * Called when a signed-in call finds the session gone (expired, ended elsewhere) or not yet
 * enrolled, so the session holder can send the person to the right page.
 */
export function onSessionLost(listener: (code: ErrorCode) => void): () => void {
  unauthenticatedListeners.add(listener);
  return () => unauthenticatedListeners.delete(listener);
}

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface RequestOptions {
  /** Calls that are expected to fail when signed out (login, session probe) do not raise the alarm. */
  quietAuth?: boolean;
  signal?: AbortSignal;
}

export async function request<T>(method: Method, path: string, body?: unknown, opts: RequestOptions = {}): Promise<T> {
  return (await send<T>(method, path, body, opts)).data;
}

/** A list and how many items matched in all (the server's X-Total-Count header). */
export async function getCounted<T>(path: string, opts?: RequestOptions): Promise<{ items: T[]; total: number; truncated: boolean }> {
  const { data, headers } = await send<T[]>("GET", path, undefined, opts ?? {});
  const total = Number(headers.get("x-total-count"));
  // X-Search-Truncated: the search stopped at one of its bounds (there may be more matches).
  return { items: data, total: Number.isFinite(total) && headers.has("x-total-count") ? total : data.length, truncated: headers.get("x-search-truncated") === "1" };
}

async function send<T>(method: Method, path: string, body: unknown, opts: RequestOptions): Promise<{ data: T; headers: Headers }> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await call(path, method, headers, body !== undefined ? JSON.stringify(body) : undefined, opts.signal);
  if (res.status === 204) return { data: undefined as T, headers: res.headers };
  const data: unknown = await res.json().catch(() => null);
  if (res.ok) return { data: data as T, headers: res.headers };
  throw failure(res, data, opts);
}

/** fetch with the session cookie and the CSRF token on every non-GET call; a lost network is an ApiError too. */
async function call(path: string, method: Method, headers: Record<string, string>, body: BodyInit | undefined, signal?: AbortSignal): Promise<Response> {
  if (method !== "GET" && csrfToken) headers["x-csrf-token"] = csrfToken;
  try {
    return await fetch(path, {
      method,
      headers,
      credentials: "same-origin",
      cache: "no-store",
      ...(body !== undefined ? { body } : {}),
      ...(signal ? { signal } : {}),
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === "AbortError") throw err;
    throw new ApiError(0, "network", "network error");
  }
}

/** The server's one error shape as an ApiError; a lost session tells the session holder, whatever the call. */
function failure(res: Response, data: unknown, opts: RequestOptions): ApiError {
  const error = isApiError(data)
    ? new ApiError(res.status, data.error.code, data.error.message, data.error.details)
    : new ApiError(res.status, res.status >= 500 ? "internal" : "bad_request", `HTTP ${res.status}`);
  if (!opts.quietAuth && (error.code === "unauthenticated" || error.code === "enrolment_required")) {
    for (const l of unauthenticatedListeners) l(error.code);
  }
  return error;
}

export const get = <T>(path: string, opts?: RequestOptions) => request<T>("GET", path, undefined, opts);
export const post = <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>("POST", path, body ?? {}, opts);
export const patch = <T>(path: string, body: unknown, opts?: RequestOptions) => request<T>("PATCH", path, body, opts);
export const put = <T>(path: string, body: unknown, opts?: RequestOptions) => request<T>("PUT", path, body, opts);
export const del = <T>(path: string, opts?: RequestOptions) => request<T>("DELETE", path, undefined, opts);

/** Upload a file as a raw body (the server encrypts it as it streams in). */
export async function upload<T>(path: string, file: File): Promise<T> {
  const headers: Record<string, string> = {
    accept: "application/json",
    "content-type": "application/octet-stream",
    "x-file-name": encodeURIComponent(file.name).slice(0, 600),
    "x-file-type": /^[\w.+-]+\/[\w.+-]+$/.test(file.type) ? file.type : "application/octet-stream",
  };
  const res = await call(path, "POST", headers, file);
  const data: unknown = await res.json().catch(() => null);
  if (res.ok) return data as T;
  throw failure(res, data, {});
}

/** POST and take the answer as a file (a printed card): a blob, or the one error shape. */
export async function postForBlob(path: string, body: unknown): Promise<Blob> {
  const res = await call(path, "POST", { "content-type": "application/json" }, JSON.stringify(body));
  if (res.ok) return res.blob();
  throw failure(res, await res.json().catch(() => null), {});
}
