import { describe, expect, it } from "vitest";
import { authHeaders } from "../../src/core/auth.js";
import { ConfigError } from "../../src/core/errors.js";

describe("authHeaders", () => {
  it("bearer and basic (UTF-8 credentials)", async () => {
    expect(await authHeaders({ bearer: "t0k" })).toEqual({ authorization: "Bearer t0k" });
    expect(await authHeaders({ basic: { username: "ünï", password: "p:w" } })).toEqual({
      authorization: `Basic ${Buffer.from("ünï:p:w", "utf8").toString("base64")}`,
    });
    expect(await authHeaders(undefined)).toEqual({});
  });

  it("a provider's headers, names lower-cased", async () => {
    expect(await authHeaders(async () => ({ "X-Api-Key": "k" }))).toEqual({ "x-api-key": "k" });
  });

  it("refuses values that would smuggle headers, without echoing them", async () => {
    const error = await authHeaders({ bearer: "a\r\nx-admin: 1" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).not.toContain("x-admin");
  });
});
