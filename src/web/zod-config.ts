import { z } from "zod";

/**
 * The console's CSP allows no eval: zod must not compile its parsers with `new Function` (even
 * its probe would be reported as a violation). Imported first, before any schema is built.
 */
z.config({ jitless: true });
