import { describe, expect, it, vi } from "vitest";

// The bridge needs Frida's runtime at import; these classifiers only read plain arguments.
vi.mock("../../agent/engine/java.js", () => ({ Java: {} }));
const { classify } = await import("../../agent/engine/classifiers.js");

const APP = "com.example.app";

describe("argument classifiers", () => {
  it("authority-arg: the app's own provider authority (FileProvider's <applicationId>.fileprovider) is its own data; another's is not", () => {
    expect(classify("authority-arg", [`${APP}.fileprovider`, 128], APP)).toMatchObject({ record: true, own: true });
    expect(classify("authority-arg", [APP, 0], APP)).toMatchObject({ own: true });
    expect(classify("authority-arg", ["com.example.apptwo.provider", 0], APP)).toMatchObject({ record: true, own: false });
    expect(classify("authority-arg", ["com.other.app.fileprovider", 0], APP)).toMatchObject({ own: false });
    expect(classify("authority-arg", [null, 0], APP)).toMatchObject({ record: true, own: false });
  });
});
