import { describe, expect, it } from "vitest";
import {
  formatSessionCookie,
  generateKeyPair,
  hashSessionId,
  parseSessionCookie,
  randomBytes,
  resumeSession,
  startSession,
  unwrapForSession,
  wrapForSession,
} from "../../../src/server/crypto/index.js";

describe("session key wrapping", () => {
  it("wraps the private key under a secret that only the cookie holds", () => {
    const { privateKey } = generateKeyPair();
    const { sessionSecret, wrapped } = wrapForSession(privateKey);
    expect(sessionSecret).toHaveLength(32);
    expect(wrapped.includes(privateKey)).toBe(false);
    expect(unwrapForSession(wrapped, sessionSecret).equals(privateKey)).toBe(true);
    expect(() => unwrapForSession(wrapped, randomBytes(32))).toThrow(/session wrapped key/);
    // Bound to its row when an id hash is given.
    const bound = wrapForSession(privateKey, "aa");
    expect(unwrapForSession(bound.wrapped, bound.sessionSecret, "aa").equals(privateKey)).toBe(true);
    expect(() => unwrapForSession(bound.wrapped, bound.sessionSecret, "bb")).toThrow();
  });

  it("cookie value: id and secret round-trip; malformed values give null", () => {
    const cookie = { sessionId: randomBytes(32), sessionSecret: randomBytes(32) };
    const value = formatSessionCookie(cookie);
    expect(value).toMatch(/^s1\.[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}$/);
    const parsed = parseSessionCookie(value);
    expect(parsed?.sessionId.equals(cookie.sessionId)).toBe(true);
    expect(parsed?.sessionSecret.equals(cookie.sessionSecret)).toBe(true);
    for (const bad of [undefined, "", "s1.abc.def", "s2" + value.slice(2), value + "=", value.replace(".", "..")]) {
      expect(parseSessionCookie(bad)).toBeNull();
    }
  });

  it("the stored id hash is deterministic and is not the id", () => {
    const id = randomBytes(32);
    expect(hashSessionId(id)).toBe(hashSessionId(Buffer.from(id)));
    expect(hashSessionId(id)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashSessionId(id)).not.toContain(id.toString("hex"));
  });

  it("startSession / resumeSession: the database row alone opens nothing", async () => {
    const { privateKey } = generateKeyPair();
    const expected = Buffer.from(privateKey);
    const session = startSession(privateKey);
    const rows = new Map([[session.sessionIdHash, session.wrapped]]);
    const load = async (h: string) => rows.get(h) ?? null;
    expect(session.cookieValue).not.toContain(session.sessionIdHash);

    const resumed = await resumeSession(session.cookieValue, load);
    expect(resumed?.sessionIdHash).toBe(session.sessionIdHash);
    expect(resumed?.privateKey.equals(expected)).toBe(true);

    // Same id, other secret: null, like an unknown session.
    const forged = session.cookieValue.replace(/\.[^.]+$/, `.${randomBytes(32).toString("base64url")}`);
    expect(await resumeSession(forged, load)).toBeNull();
    expect(await resumeSession(formatSessionCookie({ sessionId: randomBytes(32), sessionSecret: randomBytes(32) }), load)).toBeNull();
    expect(await resumeSession("garbage", load)).toBeNull();
  });
});
