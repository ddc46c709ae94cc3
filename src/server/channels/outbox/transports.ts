import { Api, GrammyError, HttpError } from "grammy";
import type { Config } from "../../config.js";
import { MAX_ATTACHMENT_BYTES } from "../../cases/index.js";

/**
 * The calls the outbox makes to the messengers, and how each outcome is classified: done, worth
 * retrying (network, 5xx, 429 with the server's own wait), or permanent (the request itself is
 * refused: blocked bot, unknown chat, a file too big). Error codes are short labels for the
 * console and logs; nothing here ever carries a token, an address or a text into an error.
 * API base URLs come from the configuration, so tests point them at a local recorder.
 */
export type Failure = { ok: false; permanent: boolean; code: string; retryAfterMs?: number };
export type CallResult = { ok: true } | Failure;
export type FileResult = { ok: true; data: Buffer; type?: string } | Failure;

export interface Transports {
  telegramCall(method: "sendMessage" | "answerCallbackQuery", params: Record<string, unknown>): Promise<CallResult>;
  telegramFile(fileId: string): Promise<FileResult>;
  whatsappText(via: string, to: string, text: string): Promise<CallResult>;
  whatsappMedia(mediaId: string): Promise<FileResult>;
}

const CALL_TIMEOUT_S = 15;
const FILE_TIMEOUT_MS = 60_000;
const notConfigured: Failure = { ok: false, permanent: false, code: "not_configured" };

/** A Bot API client on the configured base URL (grammY's Api: typed methods, token kept out of its errors). */
export function telegramApi(config: Pick<Config, "telegramBotToken" | "telegramApiBase">): Api | null {
  return config.telegramBotToken ? new Api(config.telegramBotToken, { apiRoot: config.telegramApiBase, timeoutSeconds: CALL_TIMEOUT_S }) : null;
}

export function channelTransports(config: Config): Transports {
  const api = telegramApi(config);
  return {
    async telegramCall(method, params) {
      if (!api) return notConfigured;
      try {
        await api.raw[method](params as never);
        return { ok: true };
      } catch (err) {
        return telegramFailure(err);
      }
    },
    async telegramFile(fileId) {
      if (!api) return notConfigured;
      let path: string | undefined;
      try {
        path = (await api.raw.getFile({ file_id: fileId })).file_path;
      } catch (err) {
        return telegramFailure(err);
      }
      if (!path) return { ok: false, permanent: true, code: "telegram_no_file_path" };
      return download(`${config.telegramApiBase}/file/bot${config.telegramBotToken}/${path}`, {});
    },
    async whatsappText(via, to, text) {
      if (!config.whatsappAccessToken) return notConfigured;
      const res = await request(`${config.whatsappApiBase}/${encodeURIComponent(via)}/messages`, {
        method: "POST",
        headers: { authorization: `Bearer ${config.whatsappAccessToken}`, "content-type": "application/json" },
        body: JSON.stringify({ messaging_product: "whatsapp", recipient_type: "individual", to, type: "text", text: { body: text, preview_url: false } }),
      });
      if (!("status" in res)) return res;
      if (res.ok) {
        await res.body?.cancel();
        return { ok: true };
      }
      return whatsappFailure(res);
    },
    async whatsappMedia(mediaId) {
      if (!config.whatsappAccessToken) return notConfigured;
      const auth = { authorization: `Bearer ${config.whatsappAccessToken}` };
      const res = await request(`${config.whatsappApiBase}/${encodeURIComponent(mediaId)}`, { headers: auth });
      if (!("status" in res)) return res;
      if (!res.ok) return whatsappFailure(res);
      const meta = (await res.json().catch(() => null)) as { url?: unknown; mime_type?: unknown } | null;
      if (typeof meta?.url !== "string") return { ok: false, permanent: false, code: "whatsapp_bad_media_meta" };
      // The bearer token opens the business account: it goes only to Meta's own media hosts.
      if (!isMediaHost(meta.url, config.whatsappApiBase)) return { ok: false, permanent: true, code: "whatsapp_media_host_refused" };
      const file = await download(meta.url, auth);
      return file.ok && typeof meta.mime_type === "string" ? { ...file, type: meta.mime_type } : file;
    },
  };
}

/** Where Meta serves WhatsApp media from (the URL the media endpoint returns), over https only. */
export const WHATSAPP_MEDIA_HOSTS = ["lookaside.fbsbx.com", "graph.facebook.com"] as const;

/**
 * May the access token be sent to this media URL? Only https to one of Meta's media hosts, or
 * the configured Graph API origin itself (which the operator chose, e.g. a local stand-in in
 * tests). Anything else (http, another host, credentials or a port in the URL) is refused
 * before any request is made: a forged or compromised answer must not collect the token.
 */
export function isMediaHost(url: string, apiBase: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.username || u.password) return false;
  if (u.origin === new URL(apiBase).origin) return true;
  return u.protocol === "https:" && u.port === "" && (WHATSAPP_MEDIA_HOSTS as readonly string[]).includes(u.hostname);
}

function telegramFailure(err: unknown): Failure {
  if (err instanceof GrammyError) {
    const code = `telegram_${err.error_code}`;
    if (err.error_code === 429) return { ok: false, permanent: false, code, retryAfterMs: Math.max(1, err.parameters.retry_after ?? 5) * 1000 };
    // 400 (bad request, chat not found, file too big) and 403 (bot blocked) will not change on retry.
    // 401/404 mean our token or base URL is wrong: retry, the configuration may be fixed.
    return { ok: false, permanent: err.error_code === 400 || err.error_code === 403, code };
  }
  if (err instanceof HttpError) return { ok: false, permanent: false, code: "network" };
  return { ok: false, permanent: false, code: "unexpected" };
}

async function whatsappFailure(res: Response): Promise<Failure> {
  const code = `whatsapp_${res.status}`;
  const body = (await res.json().catch(() => null)) as { error?: { code?: unknown } } | null;
  const apiCode = typeof body?.error?.code === "number" ? body.error.code : null;
  // Meta's throttling codes (4, 80007, 130429, 131048, 131056) and HTTP 429 are worth waiting for.
  const throttled = res.status === 429 || (apiCode !== null && [4, 80007, 130429, 131048, 131056].includes(apiCode));
  if (throttled) return { ok: false, permanent: false, code: apiCode ? `whatsapp_${apiCode}` : code, retryAfterMs: retryAfterHeader(res) ?? 60_000 };
  if (res.status >= 500 || res.status === 401) return { ok: false, permanent: false, code };
  return { ok: false, permanent: res.status >= 400 && res.status < 500, code: apiCode ? `whatsapp_${apiCode}` : code };
}

function retryAfterHeader(res: Response): number | undefined {
  const s = Number(res.headers.get("retry-after"));
  return Number.isFinite(s) && s > 0 ? Math.min(s, 3600) * 1000 : undefined;
}

async function request(url: string, init: RequestInit): Promise<Response | Failure> {
  try {
    return await fetch(url, { ...init, redirect: "error", signal: AbortSignal.timeout(CALL_TIMEOUT_S * 1000) });
  } catch (err) {
    return { ok: false, permanent: false, code: (err as Error).name === "TimeoutError" ? "timeout" : "network" };
  }
}

/** Fetch a file into memory, refusing more than an attachment may hold. It is encrypted before it touches the disk. */
async function download(url: string, headers: Record<string, string>): Promise<FileResult> {
  let res: Response;
  try {
    res = await fetch(url, { headers, redirect: "error", signal: AbortSignal.timeout(FILE_TIMEOUT_MS) });
  } catch (err) {
    return { ok: false, permanent: false, code: (err as Error).name === "TimeoutError" ? "timeout" : "network" };
  }
  if (!res.ok || !res.body) {
    await res.body?.cancel();
    return { ok: false, permanent: res.status >= 400 && res.status < 500 && res.status !== 429, code: `download_${res.status}` };
  }
  const declared = Number(res.headers.get("content-length"));
  if (declared > MAX_ATTACHMENT_BYTES) {
    await res.body.cancel();
    return { ok: false, permanent: true, code: "too_large" };
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body) {
      size += chunk.byteLength;
      if (size > MAX_ATTACHMENT_BYTES) {
        for (const c of chunks) c.fill(0);
        return { ok: false, permanent: true, code: "too_large" };
      }
      chunks.push(Buffer.from(chunk));
    }
  } catch {
    for (const c of chunks) c.fill(0);
    return { ok: false, permanent: false, code: "network" };
  }
  const data = Buffer.concat(chunks, size);
  for (const c of chunks) c.fill(0);
  return { ok: true, data };
}
