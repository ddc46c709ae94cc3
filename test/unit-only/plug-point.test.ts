import { describe, expect, it } from "vitest";
import { plugPoint } from "../../src/server/plug-point.js";

describe("plug points", () => {
  it("throw when used before a capability fills them, then give what was plugged in", () => {
    const slot = plugPoint<{ answer(): number }>("test answer");
    expect(() => slot.get()).toThrow("no test answer: open the context through services.ts");
    slot.use({ answer: () => 42 });
    expect(slot.get().answer()).toBe(42);
  });
});
