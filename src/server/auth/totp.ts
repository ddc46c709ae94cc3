import { Secret, TOTP } from "otpauth";
import QRCode from "qrcode";

/**
 * TOTP (RFC 6238, SHA-1, 6 digits, 30 s): what every authenticator app understands.
 * A code is accepted in a window of one step either side, and each step only once.
 */
const PERIOD = 30;

export function newTotpSecret(): { base32: string; bytes: Buffer } {
  const secret = new Secret({ size: 20 });
  return { base32: secret.base32, bytes: Buffer.from(secret.bytes) };
}

function totpFor(secret: Buffer, label = "staff"): TOTP {
  return new TOTP({ issuer: "Safe Passage", label, algorithm: "SHA1", digits: 6, period: PERIOD, secret: new Secret({ buffer: new Uint8Array(secret).buffer }) });
}

export function totpUri(secret: Buffer, username: string): string {
  return totpFor(secret, username).toString();
}

export async function totpQrSvg(uri: string): Promise<string> {
  return QRCode.toString(uri, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
}

/** Returns the accepted time step, or null. `lastStep` blocks replaying a code already used. */
export function checkTotp(secret: Buffer, code: string, lastStep: number | null, now: Date): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = totpFor(secret).validate({ token: code, timestamp: now.getTime(), window: 1 });
  if (delta === null) return null;
  const step = Math.floor(now.getTime() / 1000 / PERIOD) + delta;
  if (lastStep !== null && step <= lastStep) return null;
  return step;
}

/** For tests and the CLI's own checks: the code an authenticator would show at `now`. */
export function totpCodeAt(secret: Buffer, now: Date): string {
  return totpFor(secret).generate({ timestamp: now.getTime() });
}
