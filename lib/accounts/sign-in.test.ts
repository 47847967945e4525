import { describe, expect, it } from "vitest";
import { higherRole, roleFromClaims, signInMethod } from "./sign-in";
import { signInErrorMessage } from "./sign-in-errors";

const mapping = { OIDC_ROLE_CLAIM: "role", OIDC_EXPERT_VALUES: ["ROLE_VETTER"], OIDC_ADMIN_VALUES: ["ROLE_ADMIN"] };

describe("roleFromClaims", () => {
  it("reads a list, or a string of values separated by spaces or commas; admin wins", () => {
    expect(roleFromClaims({ role: ["ROLE_USER", "ROLE_VETTER"] }, mapping)).toBe("expert");
    expect(roleFromClaims({ role: "ROLE_USER ROLE_VETTER" }, mapping)).toBe("expert");
    expect(roleFromClaims({ role: "ROLE_VETTER,ROLE_ADMIN" }, mapping)).toBe("admin");
    expect(roleFromClaims({ role: ["ROLE_ADMIN", "ROLE_VETTER"] }, mapping)).toBe("admin");
  });

  it("grants nothing for other values, other types, a missing claim, or no mapping", () => {
    expect(roleFromClaims({ role: ["ROLE_USER"] }, mapping)).toBeNull();
    expect(roleFromClaims({ role: "role_vetter" }, mapping)).toBeNull(); // exact match
    expect(roleFromClaims({ role: "ROLE_VETTERS" }, mapping)).toBeNull();
    expect(roleFromClaims({ role: { ROLE_ADMIN: true } }, mapping)).toBeNull();
    expect(roleFromClaims({ role: [1, null, { a: "ROLE_ADMIN" }] }, mapping)).toBeNull();
    expect(roleFromClaims({ groups: ["ROLE_ADMIN"] }, mapping)).toBeNull();
    expect(roleFromClaims({ role: "ROLE_ADMIN" }, { ...mapping, OIDC_ROLE_CLAIM: undefined })).toBeNull();
  });
});

describe("higherRole", () => {
  it("raises and never lowers", () => {
    expect(higherRole("researcher", "expert")).toBe("expert");
    expect(higherRole("admin", "expert")).toBe("admin");
    expect(higherRole("expert", null)).toBe("expert");
  });
});

describe("signInMethod", () => {
  it("tells password and OIDC sign-ins from better-auth's paths, and nothing else", () => {
    expect(signInMethod("/sign-in/email")).toBe("password");
    expect(signInMethod("/callback/oidc")).toBe("oidc");
    expect(signInMethod("/sign-up/email")).toBeNull();
    expect(signInMethod(undefined)).toBeNull();
  });
});

describe("signInErrorMessage", () => {
  it("has a sentence of its own for known codes, a general one for others, and never echoes the parameter", () => {
    expect(signInErrorMessage("account_disabled")).toMatch(/disabled/);
    expect(signInErrorMessage("invalid_code")).toMatch(/expired or was already used/);
    const injected = signInErrorMessage("<script>alert(1)</script>");
    expect(injected).toMatch(/failed/);
    expect(injected).not.toContain("script");
    expect(signInErrorMessage(undefined)).toBeNull();
    expect(signInErrorMessage(["a"])).toBeNull();
  });
});
