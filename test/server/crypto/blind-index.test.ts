import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  blindIndex,
  generateIndexKeyFile,
  loadIndexKey,
  nameTokenIndexes,
  normaliseDate,
  normaliseName,
  normalisePhone,
  normaliseServiceNumber,
  normaliseTelegramId,
  normaliseTelegramUsername,
  randomBytes,
} from "../../../src/server/crypto/index.js";

const key = randomBytes(32);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sp-index-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("normalisers", () => {
  it("names: Cyrillic and Latin, case, spacing, order and common romanisations meet", () => {
    const same = (a: string, b: string) => expect(normaliseName(a), `${a} vs ${b}`).toBe(normaliseName(b));
    same("Иванов Иван", "ivanov ivan");
    same("Иванов Иван", "IVANOV  IVAN");
    same("Иванов Иван", "Ivan Ivanov");
    same("Иванов, Иван.", " ivanov-ivan ");
    same("Юрий", "Yuriy");
    same("Юрий", "Iurii");
    same("Юрий", "Jurij");
    same("Фёдор", "Fyodor");
    same("Фёдор", "Fedor");
    same("Наталья", "Natalya");
    same("Наталья", "Natalia");
    same("Евгений", "Yevgeniy");
    same("Дмитрий Хрусталёв", "Dmitry Khrustalev");
    same("Александр", "Aleksandr");
    same("José", "jose");
    expect(normaliseName("Иванов Иван")).toBe("ivan ivanov");
    expect(normaliseName("Петров")).not.toBe(normaliseName("Иванов"));
    expect(normaliseName("  !!! ")).toBeNull();
  });

  it("phones to E.164", () => {
    expect(normalisePhone("+7 999 000-11-22")).toBe("+79990001122");
    expect(normalisePhone("89990001122")).toBe("+79990001122");
    expect(normalisePhone("8 (999) 000-11-22")).toBe("+79990001122");
    expect(normalisePhone("79990001122")).toBe("+79990001122");
    expect(normalisePhone("007 999 000 11 22")).toBe("+79990001122");
    expect(normalisePhone("999 000 11 22")).toBe("+79990001122");
    expect(normalisePhone("050 123 45 67")).toBe("+380501234567");
    expect(normalisePhone("+380 50 123 45 67")).toBe("+380501234567");
    expect(normalisePhone("+49 30 1234567")).toBe("+49301234567");
    expect(normalisePhone("call me")).toBeNull();
    expect(normalisePhone("12345")).toBeNull();
    expect(normalisePhone("+1234567890123456")).toBeNull();
  });

  it("service numbers: case, separators and Cyrillic look-alikes", () => {
    expect(normaliseServiceNumber("АВ-123456")).toBe("AB123456");
    expect(normaliseServiceNumber("ab 123 456")).toBe("AB123456");
    expect(normaliseServiceNumber("Ж-987")).toBe("ZH987");
    expect(normaliseServiceNumber("ТМ 45/78")).toBe(normaliseServiceNumber("tm-4578"));
    expect(normaliseServiceNumber(" -- ")).toBeNull();
  });

  it("dates to ISO, impossible dates rejected", () => {
    expect(normaliseDate("1990-05-07")).toBe("1990-05-07");
    expect(normaliseDate("07.05.1990")).toBe("1990-05-07");
    expect(normaliseDate("7.5.1990")).toBe("1990-05-07");
    expect(normaliseDate("07/05/1990")).toBe("1990-05-07");
    expect(normaliseDate("31.02.1990")).toBeNull();
    expect(normaliseDate("1990-13-01")).toBeNull();
    expect(normaliseDate("07.05.90")).toBeNull();
  });

  it("telegram ids and usernames", () => {
    expect(normaliseTelegramId(" 0012345 ")).toBe("12345");
    expect(normaliseTelegramId("@user")).toBeNull();
    expect(normaliseTelegramUsername("@Some_User")).toBe("some_user");
    expect(normaliseTelegramUsername("https://t.me/Some_User")).toBe("some_user");
    expect(normaliseTelegramUsername("ab")).toBeNull();
  });
});

describe("blind indexes", () => {
  it("equal after normalisation means equal index; 8 bytes of hex", () => {
    const a = blindIndex(key, "name", "Иванов Иван");
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(blindIndex(key, "name", "ivanov ivan")).toBe(a);
    expect(blindIndex(key, "name", "IVANOV  IVAN")).toBe(a);
    expect(blindIndex(key, "phone", "+7 999 000-11-22")).toBe(blindIndex(key, "phone", "89990001122"));
    expect(blindIndex(key, "name", "Петров Пётр")).not.toBe(a);
  });

  it("different keys and different kinds give different indexes; junk gives null", () => {
    expect(blindIndex(randomBytes(32), "name", "Иванов Иван")).not.toBe(blindIndex(key, "name", "Иванов Иван"));
    expect(blindIndex(key, "phone", "89990001122")).not.toBe(blindIndex(key, "whatsapp", "89990001122"));
    expect(blindIndex(key, "phone", "no phone")).toBeNull();
    expect(() => blindIndex(randomBytes(16), "phone", "89990001122")).toThrow(/32 bytes/);
  });

  it("name token indexes find a surname alone", () => {
    const tokens = nameTokenIndexes(key, "Иванов Иван Иванович");
    expect(tokens).toHaveLength(3);
    expect(tokens).toContain(blindIndex(key, "name_token", "Ivanov"));
    expect(blindIndex(key, "name_token", "Ivanov Ivan")).toBeNull();
  });
});

describe("index key", () => {
  it("generates a 0600 key file, refuses to overwrite it, and loads it", () => {
    const file = path.join(tmp, "index.key");
    generateIndexKeyFile(file);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(() => generateIndexKeyFile(file)).toThrow(/already exists/);
    const loaded = loadIndexKey({ file });
    expect(loaded).toHaveLength(32);
    expect(loaded.toString("hex")).toBe(fs.readFileSync(file, "utf8").trim());
  });

  it("loads a hex key from configuration and rejects bad keys and loose permissions", () => {
    const hex = randomBytes(32).toString("hex");
    expect(loadIndexKey({ hex }).toString("hex")).toBe(hex);
    expect(() => loadIndexKey({ hex: "abcd" })).toThrow(/64 hexadecimal/);
    expect(() => loadIndexKey({})).toThrow(/no index key/);
    expect(() => loadIndexKey({ file: path.join(tmp, "missing.key") })).toThrow(/cannot be read/);
    const loose = path.join(tmp, "loose.key");
    fs.writeFileSync(loose, `${hex}\n`, { mode: 0o644 });
    fs.chmodSync(loose, 0o644);
    expect(() => loadIndexKey({ file: loose })).toThrow(/chmod 600/);
  });
});
