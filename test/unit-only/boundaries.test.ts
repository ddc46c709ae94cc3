import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";

/**
 * The import boundaries (.dependency-cruiser.cjs) hold on the tree, and each rule fails on a file
 * that deliberately breaks it: so `npm run lint:deps`, which `npm run check` and CI run, cannot
 * pass a violation by accident.
 */
const depcruise = (targets: string[]) =>
  spawnSync(path.resolve("node_modules/.bin/depcruise"), [...targets, "--config", ".dependency-cruiser.cjs", "--output-type", "err"], { encoding: "utf8", timeout: 60_000 });

const probes: string[] = [];
const probe = (file: string, body: string) => {
  const p = path.resolve(file);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, body);
  probes.push(p);
  return path.relative(process.cwd(), p);
};
afterEach(() => {
  for (const p of probes.splice(0)) fs.rmSync(p, { force: true });
  fs.rmSync(path.resolve(`src/server/probe-${process.pid}`), { recursive: true, force: true });
});

describe("import boundaries", () => {
  it("the tree as it is passes", () => {
    const r = depcruise(["src"]);
    expect(r.stdout + r.stderr).toContain("no dependency violations");
    expect(r.status).toBe(0);
  });

  it("a capability importing a file of the case core other than its entry point fails", () => {
    const f = probe(`src/server/channels/probe-${process.pid}.ts`, 'import { caseScope } from "../cases/access.js";\nexport const x = caseScope;\n');
    const r = depcruise([f]);
    expect(r.status).not.toBe(0);
    expect(r.stdout).toContain("cases-through-entry-point");
    // Through the entry point it is fine.
    fs.writeFileSync(path.resolve(f), 'import { caseScope } from "../cases/index.js";\nexport const x = caseScope;\n');
    expect(depcruise([f]).stdout).not.toContain("cases-through-entry-point");
  });

  it("crypto importing anything of the domain fails", () => {
    const f = probe(`src/server/crypto/probe-${process.pid}.ts`, 'import { AppError } from "../errors.js";\nexport const x = AppError;\n');
    const r = depcruise([f]);
    expect(r.status).not.toBe(0);
    expect(r.stdout).toContain("crypto-knows-no-domain");
  });

  it("the key layer importing sign-in fails; the policy module below both is fine", () => {
    const f = probe(`src/server/keys/probe-${process.pid}.ts`, 'import { endAllSessions } from "../auth/sessions.js";\nexport const x = endAllSessions;\n');
    const r = depcruise([f]);
    expect(r.status).not.toBe(0);
    expect(r.stdout).toContain("keys-below-auth");
    fs.writeFileSync(path.resolve(f), 'import { allow } from "../policy.js";\nexport const x = allow;\n');
    expect(depcruise([f]).stdout).not.toContain("keys-below-auth");
  });

  it("a channel or intake importing a domain capability fails; the hook in the case core is fine", () => {
    const f = probe(`src/server/intake/probe-${process.pid}.ts`, 'import { isConfirmation } from "../operations/applicant.js";\nexport const x = isConfirmation;\n');
    const r = depcruise([f]);
    expect(r.status).not.toBe(0);
    expect(r.stdout).toContain("channels-below-capabilities");
    fs.writeFileSync(path.resolve(f), 'import { applicantSide } from "../cases/index.js";\nexport const x = applicantSide;\n');
    expect(depcruise([f]).stdout).not.toContain("channels-below-capabilities");
  });

  it("an import circle fails", () => {
    const dir = `src/server/probe-${process.pid}`;
    const a = probe(`${dir}/a.ts`, 'import { b } from "./b.js";\nexport const a = () => b;\n');
    probe(`${dir}/b.ts`, 'import { a } from "./a.js";\nexport const b = () => a;\n');
    const r = depcruise([a]);
    expect(r.status).not.toBe(0);
    expect(r.stdout).toContain("no-circular");
  });
});
