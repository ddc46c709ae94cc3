/**
 * Points of a handover operation: latitude/longitude and MGRS (the kept `mgrs` library), shared by
 * the server, which decides, and the console, which checks as he types and draws the point.
 */
import * as mgrsModule from "mgrs";
import oblasts from "./ua-oblasts.json" with { type: "json" };

// Node loads the package's UMD build (one default export); Vite takes its ES build (named exports only).
const mgrs: { forward: typeof mgrsModule.forward; toPoint: typeof mgrsModule.toPoint } = (mgrsModule as unknown as { default?: typeof mgrsModule }).default ?? mgrsModule;

/** ISO 3166-2:UA subdivisions, shipped as data (ua-oblasts.json): the server checks a sector against them, the console lists them. */
export const OBLASTS = oblasts.subdivisions;
export const OBLAST_CODES = OBLASTS.map((s) => s.code);

export interface Point {
  lat: number;
  lon: number;
  /** MGRS at 1 m precision, made from lat/lon by the `mgrs` library. */
  mgrs: string;
  /** The place as the coordinator describes it to the applicant. */
  description: string;
}

/** MGRS covers 80°S–84°N; outside it the library throws, which we turn into a refusal. */
export function toMgrs(lat: number, lon: number): string | null {
  if (!Number.isFinite(lat) || !Number.isFinite(lon) || lat < -80 || lat > 84 || lon < -180 || lon > 180) return null;
  try {
    return mgrs.forward([lon, lat], 5);
  } catch {
    return null;
  }
}

/** The centre of an MGRS square as lat/lon, or null for a string that is not MGRS. */
export function fromMgrs(ref: string): { lat: number; lon: number } | null {
  const clean = ref.replace(/\s+/g, "").toUpperCase();
  if (!/^\d{1,2}[C-HJ-NP-X][A-HJ-NP-Z]{2}(\d{2}){0,5}$/.test(clean)) return null;
  try {
    const [lon, lat] = mgrs.toPoint(clean);
    return Number.isFinite(lat) && Number.isFinite(lon) ? { lat, lon } : null;
  } catch {
    return null;
  }
}

/**
 * A point from what the coordinator typed: lat/lon, or an MGRS reference. When both are given
 * they must agree within 50 m, so a typo in one of them is caught rather than sent to a man
 * waiting in a field.
 */
export function resolvePoint(input: { lat?: number | undefined; lon?: number | undefined; mgrs?: string | undefined; description: string }): Point | string {
  let lat = input.lat;
  let lon = input.lon;
  if ((lat === undefined || lon === undefined) && input.mgrs) {
    const p = fromMgrs(input.mgrs);
    if (!p) return "not a valid MGRS reference";
    ({ lat, lon } = p);
  }
  if (lat === undefined || lon === undefined) return "give latitude and longitude, or an MGRS reference";
  const ref = toMgrs(lat, lon);
  if (!ref) return "coordinates out of range";
  if (input.mgrs) {
    const p = fromMgrs(input.mgrs);
    if (!p) return "not a valid MGRS reference";
    if (metresBetween(p, { lat, lon }) > 50) return "the MGRS reference and the coordinates do not agree";
  }
  return { lat: round6(lat), lon: round6(lon), mgrs: ref, description: input.description };
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

/** Haversine distance; enough to compare two readings of one point. */
export function metresBetween(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const r = 6_371_000;
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * r * Math.asin(Math.sqrt(h));
}
