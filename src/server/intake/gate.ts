import type { FastifyRequest } from "fastify";
import type { AppContext } from "../context.js";
import type { BaseApp } from "../http/base.js";
import type { FloodGuard } from "./flood.js";
import type { IntakeSettings } from "./settings.js";
import type { FormValues } from "./form-body.js";
import { FORM_TOKEN_FIELD, NO_WORK, issueFormToken, readFormToken, sessionBinding, type FormPurpose, type FormToken, type Work } from "./form-token.js";
import { verifyWork } from "./pow.js";
import { SpentTokens } from "./spent-tokens.js";
import { crossSite } from "./origin.js";

const TEN_MINUTES = 10 * 60_000;

export type Refusal =
  | { kind: "crossSite" }
  /** No token, a forged one, or an expired one: give him the form back with a fresh token. */
  | { kind: "stale" }
  | { kind: "limited"; retryAfter: number }
  /** This request form already produced a request. */
  | { kind: "done" }
  | { kind: "pow" }
  | { kind: "busy" };

export type Admitted = { ok: true; token: FormToken } | ({ ok: false } & Refusal);
export type Paid = { ok: true; claimed: boolean } | ({ ok: false } & Refusal);

/**
 * The checks every public post goes through, cheapest first, so that junk costs the server a
 * keyed hash and never a slot meant for real applicants:
 * 1. admit(): from one of our pages (origin.ts); a valid form token (form-token.ts); that
 *    token's own bucket (per client, whatever address he shares); not already used up.
 * 2. pay(), once the form itself is valid: the proof of work while the switch is on (Argon2,
 *    bounded with the other Argon2 work), then and only then the per-address bucket (where
 *    addresses tell clients apart) and the ceiling for all clients together, so that posts that
 *    did not pay count toward neither; then the token is spent in the database.
 */
export class IntakeGate {
  readonly spent: SpentTokens;
  private readonly key: Buffer;
  private readonly tokenIds = new WeakMap<FastifyRequest, string>();
  private readonly perToken: Record<"request" | "return" | "reply", ReturnType<BaseApp["createRateLimit"]>>;
  private readonly perAddress: ReturnType<BaseApp["createRateLimit"]> | null;
  private readonly ceilings: Record<"request" | "return", ReturnType<BaseApp["createRateLimit"]>>;

  constructor(
    app: BaseApp,
    private readonly ctx: AppContext,
    private readonly settings: IntakeSettings,
    private readonly flood: FloodGuard,
  ) {
    this.key = ctx.keys.subkey("ratelimit");
    this.spent = new SpentTokens(ctx.db);
    const byToken = (name: string, max: number) =>
      app.createRateLimit({ keyGenerator: (req) => `${name}:${this.tokenIds.get(req) ?? "none"}`, max, timeWindow: TEN_MINUTES });
    this.perToken = { request: byToken("request", settings.requestsPerClient), return: byToken("return", settings.returnsPerClient), reply: byToken("reply", settings.repliesPerClient) };
    this.perAddress = ctx.config.publicClients.addressesIdentify ? app.createRateLimit({ max: settings.postsPerAddress, timeWindow: TEN_MINUTES }) : null;
    this.ceilings = {
      request: app.createRateLimit({ keyGenerator: () => "intake-request-all", max: settings.requestsGlobalPerMinute, timeWindow: 60_000 }),
      return: app.createRateLimit({ keyGenerator: () => "intake-return-all", max: settings.returnsGlobalPerMinute, timeWindow: 60_000 }),
    };
  }

  /** The work asked now: none while the switch is off. */
  workNow(): Work {
    const bits = this.flood.difficulty();
    return bits ? { bits, memoryKiB: this.settings.powMemoryKiB } : NO_WORK;
  }

  /** A token for a form on a page being rendered; the code and request forms carry the work asked now. */
  issue(purpose: FormPurpose, cookie?: string): string {
    const work = purpose === "request" || purpose === "return" ? this.workNow() : NO_WORK;
    return issueFormToken(this.key, purpose, work, Date.now(), this.binding(purpose, cookie));
  }

  async admit(req: FastifyRequest, values: FormValues, purpose: FormPurpose, cookie?: string): Promise<Admitted> {
    if (crossSite(req)) return { ok: false, kind: "crossSite" };
    const text = values[FORM_TOKEN_FIELD];
    const checked = readFormToken(this.key, typeof text === "string" ? text : undefined, purpose, Date.now(), this.binding(purpose, cookie));
    if (!checked.ok) return { ok: false, kind: "stale" };
    const token = checked.value;
    // Leaving and confirming change nothing twice: no bucket of their own (the page limit holds).
    if (purpose !== "leave" && purpose !== "confirm") {
      // Replies are counted per session (the binding), everything else per token.
      this.tokenIds.set(req, purpose === "reply" ? this.binding(purpose, cookie) : token.id.toString("base64url"));
      const bucket = await this.perToken[purpose](req);
      if (!bucket.isAllowed && bucket.isExceeded) return { ok: false, kind: "limited", retryAfter: bucket.ttlInSeconds };
    }
    // A reload of the receipt page: recognised even after the token expired.
    if (purpose === "request" && (await this.spent.state(token.id)) === "done") return { ok: false, kind: "done" };
    if (checked.expired) return { ok: false, kind: "stale" };
    return { ok: true, token };
  }

  /** For the request and code forms, once the form's own fields are valid. */
  async pay(req: FastifyRequest, values: FormValues, token: FormToken, purpose: "request" | "return"): Promise<Paid> {
    const asked = this.workNow();
    if (asked.bits) {
      const nonce = typeof values.pow_nonce === "string" ? values.pow_nonce : undefined;
      // A token issued before the flood grew is honoured down to the base difficulty.
      const least = { bits: Math.max(this.settings.powBaseBits, asked.bits - 2), memoryKiB: this.settings.powMemoryKiB };
      if (!nonce || !token.work.bits) return { ok: false, kind: "pow" };
      if (!this.flood.tryEnter()) return { ok: false, kind: "busy" };
      let verdict: Awaited<ReturnType<typeof verifyWork>>;
      try {
        verdict = await verifyWork(token, nonce, least);
      } finally {
        this.flood.leave();
      }
      if (verdict !== "ok") return { ok: false, kind: "pow" };
    }
    for (const limiter of [this.perAddress, this.ceilings[purpose]]) {
      if (!limiter) continue;
      const r = await limiter(req);
      if (!r.isAllowed && r.isExceeded) return { ok: false, kind: "limited", retryAfter: r.ttlInSeconds };
    }
    // A request form is spent once whatever happens (one case per form); a code form only when
    // it carried work, so that the solution serves once.
    if (purpose === "request" || token.work.bits) {
      const claim = await this.spent.claim(token.id, token.expiresMs, this.ctx.now());
      if (claim === "done") return { ok: false, kind: "done" };
      if (claim === "taken") return purpose === "request" && (await this.settled(token.id)) ? { ok: false, kind: "done" } : { ok: false, kind: token.work.bits ? "pow" : "busy" };
      return { ok: true, claimed: true };
    }
    return { ok: true, claimed: false };
  }

  /**
   * The same request form posted twice at once (a double tap, or a reload while the first post is
   * still being recorded, here or in another instance): wait for the first to finish, so that the
   * second is answered "already sent" rather than given the form back.
   */
  private async settled(id: Buffer): Promise<boolean> {
    for (let i = 0; i < 40; i++) {
      const state = await this.spent.state(id);
      if (state === "done") return true;
      if (state === null) return false; // the first one failed and gave the token back
      await new Promise((r) => setTimeout(r, 250));
    }
    return false;
  }

  private binding(purpose: FormPurpose, cookie: string | undefined): string {
    return purpose === "reply" || purpose === "leave" ? sessionBinding(this.key, cookie) : "";
  }
}
