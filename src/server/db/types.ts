import { customType } from "drizzle-orm/pg-core";

/**
 * bytea as a Node Buffer on both drivers. node-postgres already returns Buffer; PGlite returns
 * Uint8Array, so values are normalised on the way out.
 */
export const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType() {
    return "bytea";
  },
  toDriver(value) {
    return value;
  },
  fromDriver(value) {
    return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  },
});
