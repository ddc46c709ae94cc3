/**
 * A slot that a lower layer declares (the case core, intake) and a capability above it fills when
 * the context opens (services.ts), so the lower layer calls the capability without importing it and
 * the arrows keep pointing one way. An unfilled slot throws when used: a confirmation or a reply
 * with nowhere to go is refused rather than silently dropped.
 */
export function plugPoint<T>(what: string): { use(value: T): void; get(): T } {
  let value: T | null = null;
  return {
    use(v) {
      value = v;
    },
    get() {
      if (value === null) throw new Error(`no ${what}: open the context through services.ts`);
      return value;
    },
  };
}
