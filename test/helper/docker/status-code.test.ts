import { describe, expect, it } from "@jest/globals";
import { statusCode } from "../../../helper/docker/status-code";

describe("statusCode", () => {
  it("is the HTTP status dockerode puts on the engine's answers", () => {
    expect(statusCode(Object.assign(new Error("(HTTP code 409) conflict"), { statusCode: 409 }))).toBe(409);
    expect(statusCode({ statusCode: 404 })).toBe(404);
  });

  it("is undefined for what the engine never answered: a socket error, a string, nothing", () => {
    expect(statusCode(Object.assign(new Error("connect ENOENT /var/run/docker.sock"), { code: "ENOENT" }))).toBe(
      undefined,
    );
    expect(statusCode({ statusCode: "409" })).toBeUndefined();
    expect(statusCode("409")).toBeUndefined();
    expect(statusCode(undefined)).toBeUndefined();
    expect(statusCode(null)).toBeUndefined();
  });
});
