import { describe, expect, it } from "vitest";
import { s3Credentials } from "../../src/deploy/index.js";
import { ValidationError } from "../../src/core/errors.js";

describe("s3Credentials", () => {
  it("a Secret with KServe's S3 keys and annotations, and a ServiceAccount that lists it", () => {
    const { secret, serviceAccount } = s3Credentials({
      name: "s3-reader",
      namespace: "ml",
      accessKeyId: "AKIA123",
      secretAccessKey: "s3cr3t",
      endpoint: "minio.minio:9000",
      useHttps: false,
      verifySsl: false,
      region: "us-east-1",
    });
    expect(secret).toEqual({
      apiVersion: "v1",
      kind: "Secret",
      metadata: {
        name: "s3-reader",
        namespace: "ml",
        annotations: {
          "serving.kserve.io/s3-endpoint": "minio.minio:9000",
          "serving.kserve.io/s3-usehttps": "0",
          "serving.kserve.io/s3-verifyssl": "0",
          "serving.kserve.io/s3-region": "us-east-1",
        },
      },
      type: "Opaque",
      stringData: { AWS_ACCESS_KEY_ID: "AKIA123", AWS_SECRET_ACCESS_KEY: "s3cr3t" },
    });
    expect(serviceAccount).toEqual({
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: { name: "s3-reader", namespace: "ml" },
      secrets: [{ name: "s3-reader" }],
    });
  });

  it("leaves out what is not given (no namespace: the cluster's default applies)", () => {
    const { secret, serviceAccount } = s3Credentials({ name: "creds", accessKeyId: "a", secretAccessKey: "b" });
    expect(secret.metadata).toEqual({ name: "creds", annotations: {} });
    expect(serviceAccount.metadata).toEqual({ name: "creds" });
    expect(
      s3Credentials({ name: "c", accessKeyId: "a", secretAccessKey: "b", useHttps: true }).secret.metadata.annotations,
    ).toEqual({ "serving.kserve.io/s3-usehttps": "1" });
  });

  it("lists every problem at once", () => {
    let error: unknown;
    try {
      s3Credentials({
        name: "Bad_Name",
        namespace: "a.b",
        accessKeyId: "",
        secretAccessKey: "",
        endpoint: "https://minio:9000",
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    const lines = (error as Error).message.split("\n");
    expect(lines[0]).toBe("[invalid_argument] Invalid S3 credentials:");
    expect(lines.slice(1).map((line) => line.split(":")[0])).toEqual([
      "name",
      "namespace",
      "accessKeyId",
      "secretAccessKey",
      "endpoint",
    ]);
    expect((error as Error).message).toContain("without a scheme");
  });
});
