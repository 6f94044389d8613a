/**
 * Real OkHttp and Conscrypt for the Java target (issue 15 item 8), from Maven Central through
 * `mvn` (its ordinary client). OkHttp: OkHttp 4.12.0 from Maven Central with what it
 * needs at run time (okio-jvm 3.6.0, kotlin-stdlib 1.8.21: okhttp-4.12.0.pom), as `mvn` puts them
 * in ~/.m2. The classes are unpacked into a folder the harness's plugin loader reads (a class
 * loader made late, as SDKs arrive on a device), and the folder's path is left in the build's root
 * as `okhttp.dir`, where the harness looks for it.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { JavaBuild } from "../support/java-target.js";

const M2 = join(homedir(), ".m2", "repository");
export const OKHTTP_JARS = [
  "com/squareup/okhttp3/okhttp/4.12.0/okhttp-4.12.0.jar",
  "com/squareup/okio/okio-jvm/3.6.0/okio-jvm-3.6.0.jar",
  "org/jetbrains/kotlin/kotlin-stdlib/1.8.21/kotlin-stdlib-1.8.21.jar",
] as const;
export const OKHTTP_FETCH = "mvn dependency:get -Dartifact=com.squareup.okhttp3:okhttp:4.12.0";

/** The jars missing from ~/.m2, if any. */
export function missingOkHttpJars(): string[] {
  return OKHTTP_JARS.filter((j) => !existsSync(join(M2, j)));
}

/** Unpacks the jars for `build` (once) and tells the harness where: returns the folder. */
export function provideOkHttp(build: JavaBuild): string {
  const dir = join(build.root, "okhttp-classes");
  if (!existsSync(join(dir, "okhttp3", "OkHttpClient.class"))) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const j of OKHTTP_JARS) execFileSync(join(build.javaHome, "bin", "jar"), ["xf", join(M2, j)], { cwd: dir, stdio: "ignore" });
  }
  writeFileSync(join(build.root, "okhttp.dir"), dir);
  return dir;
}

/** The harness finds no OkHttp and no Conscrypt: it skips their requests. */
export function withdrawOkHttp(build: JavaBuild): void {
  rmSync(join(build.root, "okhttp.dir"), { force: true });
  rmSync(join(build.root, "conscrypt.dir"), { force: true });
}

/** Conscrypt as an SDK bundles it (the OpenJDK uber jar, with its native library for linux-x86_64). */
export const CONSCRYPT_JAR = "org/conscrypt/conscrypt-openjdk-uber/2.5.2/conscrypt-openjdk-uber-2.5.2.jar";
export const CONSCRYPT_FETCH = "mvn dependency:get -Dartifact=org.conscrypt:conscrypt-openjdk-uber:2.5.2";

export function conscryptMissing(): boolean {
  return !existsSync(join(M2, CONSCRYPT_JAR));
}

/**
 * Unpacks Conscrypt for `build` (once), makes the HTTPS server's throw-away key (keytool, PKCS12,
 * CN=localhost) and tells the harness both paths in `conscrypt.dir`.
 */
export function provideConscrypt(build: JavaBuild): void {
  const dir = join(build.root, "conscrypt-classes");
  if (!existsSync(join(dir, "org", "conscrypt", "Conscrypt.class"))) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    execFileSync(join(build.javaHome, "bin", "jar"), ["xf", join(M2, CONSCRYPT_JAR)], { cwd: dir, stdio: "ignore" });
  }
  const keystore = join(build.root, "tls.p12");
  if (!existsSync(keystore)) {
    execFileSync(join(build.javaHome, "bin", "keytool"), ["-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost", "-validity", "30", "-storetype", "PKCS12", "-keystore", keystore, "-storepass", "changeit", "-keypass", "changeit"], { stdio: "ignore" });
  }
  writeFileSync(join(build.root, "conscrypt.dir"), `${dir}\n${keystore}\n`);
}
