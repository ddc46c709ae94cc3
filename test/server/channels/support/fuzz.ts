/**
 * Random and mutated inputs for the webhook fuzz tests, from a seeded generator so a failure can
 * be replayed (the seed is in the test's name). Not for anything cryptographic.
 */
export type Rng = () => number;

/** mulberry32: small, fast, seeded. */
export function seeded(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const int = (rng: Rng, n: number) => Math.floor(rng() * n);
export const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[int(rng, xs.length)]!;

const ALPHABETS = ["abcxyz019", "абвгдеёжзийклмнопрстуфхцчшщъыьэюя", "\u0000\u0001\u202e\u200b\ufeff\ud800", "🙂🇺🇦👍🏽", "<>&\"'\\/%{}[]", " \t\n\r"];

export function randomString(rng: Rng, max = 64): string {
  const len = int(rng, max + 1);
  const alphabet = pick(rng, ALPHABETS);
  let s = rng() < 0.1 ? `CANARY-FUZZ${String(int(rng, 1e6)).padStart(6, "0")} ` : "";
  for (let i = 0; i < len; i++) s += alphabet[int(rng, alphabet.length)];
  return s;
}

export function randomValue(rng: Rng, depth = 0): unknown {
  switch (int(rng, depth > 3 ? 7 : 9)) {
    case 0:
      return null;
    case 1:
      return rng() < 0.5;
    case 2:
      return pick(rng, [0, -1, 1, 2 ** 31, 2 ** 53, -(2 ** 53), 1e308, -1e-308, 0.5, 700100200, 510001001]);
    case 3:
      return int(rng, 1e9);
    case 4:
      return randomString(rng);
    case 5:
      return randomString(rng, 5000);
    case 6:
      return "";
    case 7:
      return Array.from({ length: int(rng, 5) }, () => randomValue(rng, depth + 1));
    default:
      return Object.fromEntries(Array.from({ length: int(rng, 5) }, () => [pick(rng, ["text", "id", "from", "chat", "message", "data", "type", randomString(rng, 8)]), randomValue(rng, depth + 1)]));
  }
}

type Json = Record<string, unknown> | unknown[];

/** Every (container, key) pair in a JSON tree: the places a mutation can hit. */
function slots(v: unknown, out: [Json, string | number][] = []): [Json, string | number][] {
  if (Array.isArray(v)) {
    v.forEach((x, i) => {
      out.push([v, i]);
      slots(x, out);
    });
  } else if (v && typeof v === "object") {
    for (const [k, x] of Object.entries(v)) {
      out.push([v as Json, k]);
      slots(x, out);
    }
  }
  return out;
}

/** One to four structural mutations: drop a field, change its type or value, add junk. */
export function mutate<T>(rng: Rng, value: T): T {
  const copy = structuredClone(value);
  const n = 1 + int(rng, 4);
  for (let i = 0; i < n; i++) {
    const all = slots(copy);
    if (all.length === 0) break;
    const [container, key] = pick(rng, all);
    const r = rng();
    if (r < 0.3 && !Array.isArray(container)) delete (container as Record<string, unknown>)[key as string];
    else if (r < 0.85) (container as Record<string | number, unknown>)[key] = randomValue(rng);
    else (container as Record<string | number, unknown>)[typeof key === "number" ? key : `${key}_${int(rng, 9)}`] = randomValue(rng);
  }
  return copy;
}

export function deepNesting(depth: number): string {
  return "[".repeat(depth) + "]".repeat(depth);
}

/** Bytes that are not JSON, or JSON cut short. */
export function brokenBytes(rng: Rng, valid: string): Buffer {
  switch (int(rng, 4)) {
    case 0:
      return Buffer.from(valid.slice(0, int(rng, valid.length)));
    case 1:
      return Buffer.from(Array.from({ length: 1 + int(rng, 200) }, () => int(rng, 256)));
    case 2:
      return Buffer.from(valid.replace(/[":,]/, () => pick(rng, ["", "'", ";", "\u0000"])));
    default:
      return Buffer.concat([Buffer.from(valid), Buffer.from([0xff, 0xfe, 0x00])]);
  }
}
