import fs from "node:fs";
import path from "node:path";

/**
 * Canaries: unique markers put into every identifying value in a test, then searched for in
 * everything an adversary could take. All share the prefix below, so one search per encoding of
 * the prefix finds any of them, however many there are.
 */
export const CANARY_PREFIX = "CANARY-";
export const canary = (field: string, i: number) => `${CANARY_PREFIX}${field.toUpperCase()}${String(i).padStart(5, "0")}X`;

/** The prefix as it would look in each encoding a leak could take. */
export function canaryNeedles(prefix = CANARY_PREFIX): { encoding: string; needle: Buffer }[] {
  const bytes = Buffer.from(prefix, "utf8");
  const needles = [
    { encoding: "utf-8", needle: bytes },
    { encoding: "utf-16le", needle: Buffer.from(prefix, "utf16le") },
    { encoding: "utf-16be", needle: Buffer.from(prefix, "utf16le").swap16() },
    { encoding: "hex", needle: Buffer.from(bytes.toString("hex")) },
    { encoding: "HEX", needle: Buffer.from(bytes.toString("hex").toUpperCase()) },
  ];
  // Base64 depends on where the value starts within a 3-byte group: take, for each of the three
  // alignments, only the characters made entirely of the prefix's own bits.
  for (let k = 0; k < 3; k++) {
    const enc = Buffer.concat([Buffer.alloc(k), bytes]).toString("base64");
    const from = Math.ceil((k * 8) / 6);
    const to = Math.floor(((k + bytes.length) * 8) / 6);
    needles.push({ encoding: `base64@${k}`, needle: Buffer.from(enc.slice(from, to)) });
    const url = Buffer.concat([Buffer.alloc(k), bytes]).toString("base64url");
    needles.push({ encoding: `base64url@${k}`, needle: Buffer.from(url.slice(from, to)) });
  }
  return needles;
}

export interface Hit {
  file: string;
  encoding: string;
  offset: number;
}

/** Every file under `root` (or the file itself), searched for every needle. */
export function searchForCanaries(root: string, needles = canaryNeedles()): { files: number; bytes: number; hits: Hit[] } {
  const hits: Hit[] = [];
  let files = 0;
  let bytes = 0;
  const visit = (p: string) => {
    const st = fs.lstatSync(p);
    if (st.isDirectory()) for (const e of fs.readdirSync(p)) visit(path.join(p, e));
    else if (st.isFile()) {
      const buf = fs.readFileSync(p);
      files++;
      bytes += buf.length;
      for (const { encoding, needle } of needles) {
        const at = buf.indexOf(needle);
        if (at >= 0) hits.push({ file: p, encoding, offset: at });
      }
    }
  };
  if (fs.existsSync(root)) visit(root);
  return { files, bytes, hits };
}
