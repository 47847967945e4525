import { describe, expect, it } from "vitest";
import { malformedUrlError, undecodableUrlPart } from "./malformed-url";

const at = (pathAndQuery: string) => undecodableUrlPart(`http://127.0.0.1:3000${pathAndQuery}`);

describe("undecodableUrlPart", () => {
  it("finds escapes that decode to no UTF-8 text, and escapes that are none, in the path", () => {
    for (const path of ["/api/species/%FF", "/species/%C0%AF", "/a/%ED%A0%80", "/a/%F4%90%80%80", "/a/%E2%82", "/a/%", "/a/%2", "/a/%zz", "/a%FFb/c"]) {
      expect(at(path), path).toBe("path");
    }
  });

  it("finds them in the query, the path being readable", () => {
    for (const query of ["?q=%FF", "?q=a%00b&x=%C0%AF", "?%FF=1", "?q=%", "?q=%E2%82"]) expect(at(`/api/species${query}`), query).toBe("query");
  });

  it("names the path first when both are unreadable", () => {
    expect(at("/species/%FF?q=%FF")).toBe("path");
  });

  it("passes every readable address: plain, escaped UTF-8, NUL and controls (the parameters' own schemas judge those), RTL and combining marks", () => {
    for (const url of ["/", "/species/1?map=3/-30/140", "/api/species?q=%E2%82%AC", "/api/species?q=a%00b", "/api/species?q=a+b%20c", "/%D7%A9%D7%9C%D7%95%D7%9D", "/x?q=e%CC%81", "/api/species/%31", "/x?%E2%80%AE=1"]) {
      expect(at(url), url).toBeNull();
    }
  });
});

describe("malformedUrlError", () => {
  it("is the contract's 400 invalid_url, naming the part", () => {
    const err = malformedUrlError("query");
    expect(err).toMatchObject({ status: 400, code: "invalid_url" });
    expect(err.message).toMatch(/query/);
  });
});
