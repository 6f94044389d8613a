import { describe, expect, it } from "vitest";
import { isOwnAuthority } from "../../agent/engine/own-authority.js";

const APP = "com.example.app";

describe("the authority-arg classifier (PackageManager.resolveContentProvider)", () => {
  it("the app's own provider authority (FileProvider's <applicationId>.fileprovider) is its own data; another's is not", () => {
    expect(isOwnAuthority(`${APP}.fileprovider`, APP)).toBe(true);
    expect(isOwnAuthority(APP, APP)).toBe(true);
    expect(isOwnAuthority("com.example.apptwo.provider", APP)).toBe(false);
    expect(isOwnAuthority("com.other.app.fileprovider", APP)).toBe(false);
    expect(isOwnAuthority(null, APP)).toBe(false);
  });
});
