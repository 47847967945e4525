import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { describe, expect, it } from "vitest";
import { GbifAccountFields, gbifCredentials, type GbifAccount } from "./gbif-account-fields";

function Harness({ seen }: { seen: GbifAccount[] }) {
  const [value, setValue] = useState<GbifAccount>({ username: "", password: "" });
  return <GbifAccountFields value={value} onChange={(next) => (seen.push(next), setValue(next))} />;
}

describe("a GBIF source's account fields", () => {
  it("take a username and a hidden password", async () => {
    const seen: GbifAccount[] = [];
    render(<Harness seen={seen} />);
    expect(screen.getByLabelText("GBIF password").getAttribute("type")).toBe("password");
    await userEvent.type(screen.getByLabelText("GBIF username"), "birder");
    await userEvent.type(screen.getByLabelText("GBIF password"), "s3cret");
    expect(seen.at(-1)).toEqual({ username: "birder", password: "s3cret" });
  });

  it("send credentials only when something was typed", () => {
    expect(gbifCredentials({ username: "  ", password: "" })).toBeUndefined();
    expect(gbifCredentials({ username: " birder ", password: "pw" })).toEqual({ username: "birder", password: "pw" });
  });
});
