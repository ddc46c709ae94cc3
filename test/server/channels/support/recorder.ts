import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A stand-in for the Telegram Bot API and the WhatsApp Graph API: a local HTTP server that
 * records every request (method, path, parsed body) and answers like the real APIs, unless told
 * to fail. Tests point TELEGRAM_API_BASE and WHATSAPP_API_BASE at it.
 */
export interface Recorded {
  method: string;
  path: string;
  body: Record<string, unknown> | null;
  /** What the recorder answered (0: it did not answer). */
  status: number;
}

export interface Planned {
  match: (r: { method: string; path: string; body: Record<string, unknown> | null }) => boolean;
  /** HTTP status and JSON body to answer; or `hang` to never answer; or `drop` to cut the connection. */
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  hang?: boolean;
  drop?: boolean;
}

const SENT_TEMPLATE = { message_id: 10, from: { id: 6000000001, is_bot: true, first_name: "Hotline bot", username: "example_hotline_bot" }, chat: { id: 0, type: "private" }, date: 1692806960 };

/** Bytes served for a Telegram file id or a WhatsApp media id: recognisable, never to be found in clear on disk. */
export const fileContent = (id: string) => Buffer.from(`CANARY-FILEBYTES ${id} `.repeat(64));

export class RecordingApi {
  readonly calls: Recorded[] = [];
  private readonly plan: Planned[] = [];
  private readonly hanging = new Set<http.ServerResponse>();
  private server: http.Server | null = null;
  private nextMessageId = 100;
  url = "";

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  /** Answer the next matching requests as planned, in order, then normally again. */
  failNext(...plans: Planned[]): void {
    this.plan.push(...plans);
  }

  clearPlan(): void {
    this.plan.length = 0;
  }

  /** Calls to a Bot API method (path /bot<token>/<method>). */
  telegram(method: string): Recorded[] {
    return this.calls.filter((c) => c.path.endsWith(`/${method}`) && c.path.includes("/bot"));
  }

  /** Successful sendMessage calls (the ones Telegram would have delivered). */
  delivered(): Recorded[] {
    return this.telegram("sendMessage").filter((c) => c.status === 200);
  }

  async waitFor(pred: () => boolean, ms = 20_000): Promise<void> {
    const end = Date.now() + ms;
    while (!pred()) {
      if (Date.now() > end) throw new Error("recorder: condition not met in time");
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    let body: Record<string, unknown> | null = null;
    try {
      body = raw ? (JSON.parse(raw) as Record<string, unknown>) : null;
    } catch {
      body = null;
    }
    const method = req.method ?? "GET";
    const path = req.url ?? "/";
    const rec: Recorded = { method, path, body, status: 0 };
    this.calls.push(rec);
    const i = this.plan.findIndex((p) => p.match({ method, path, body }));
    if (i >= 0) {
      const [p] = this.plan.splice(i, 1);
      if (p!.hang) {
        this.hanging.add(res);
        return;
      }
      if (p!.drop) {
        req.socket.destroy();
        return;
      }
      return this.send(res, rec, p!.status ?? 200, p!.body ?? {}, p!.headers);
    }
    const answer = this.normalAnswer(method, path, body);
    if (Buffer.isBuffer(answer.body)) {
      rec.status = answer.status;
      res.writeHead(answer.status, { "content-type": "application/octet-stream", "content-length": answer.body.length });
      res.end(answer.body);
      return;
    }
    this.send(res, rec, answer.status, answer.body);
  }

  private send(res: http.ServerResponse, rec: Recorded, status: number, body: unknown, headers: Record<string, string> = {}) {
    rec.status = status;
    const text = JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(text);
  }

  private normalAnswer(method: string, path: string, body: Record<string, unknown> | null): { status: number; body: unknown } {
    const file = /^\/file\/bot[^/]+\/files\/(.+)$/.exec(path);
    if (file) return { status: 200, body: fileContent(decodeURIComponent(file[1]!)) };
    const bot = /^\/bot[^/]+\/(\w+)$/.exec(path);
    if (bot) {
      switch (bot[1]) {
        case "sendMessage":
          return { status: 200, body: { ok: true, result: { ...SENT_TEMPLATE, message_id: this.nextMessageId++, chat: { id: body?.chat_id, type: "private" }, text: body?.text } } };
        case "getFile":
          return { status: 200, body: { ok: true, result: { file_id: body?.file_id, file_unique_id: "u", file_size: 1000, file_path: `files/${encodeURIComponent(String(body?.file_id))}` } } };
        default:
          return { status: 200, body: { ok: true, result: true } };
      }
    }
    const media = /^\/media-bytes\/(.+)$/.exec(path);
    if (media) return { status: 200, body: fileContent(decodeURIComponent(media[1]!)) };
    if (method === "POST" && /^\/\d+\/messages$/.test(path)) return { status: 200, body: { messaging_product: "whatsapp", contacts: [{ input: body?.to, wa_id: body?.to }], messages: [{ id: `wamid.out${this.nextMessageId++}` }] } };
    const mediaMeta = /^\/([\w.-]+)$/.exec(path);
    if (method === "GET" && mediaMeta) return { status: 200, body: { url: `${this.url}/media-bytes/${mediaMeta[1]}`, mime_type: "image/jpeg", file_size: 1000, id: mediaMeta[1] } };
    return { status: 404, body: { error: "unknown path" } };
  }
}
