/** Shared by the end-to-end tests: the iris model deployed on a mock KServe the way a user deploys it. */
import { deploy, inferenceService, s3Credentials } from "kserve-client/deploy";
import { MOCK_S3_BUCKET, type MockKServe } from "kserve-client/testing";

/**
 * Deploy the sklearn iris model from the mock S3 bucket as InferenceService `name` in kserve-test, with its own
 * S3 credentials, and wait until it is Ready. Returns the host of its `status.url`.
 */
export async function deployIris(mock: MockKServe, name: string): Promise<string> {
  const { accessKeyId, secretAccessKey, endpoint, irisUri } = MOCK_S3_BUCKET;
  const deployment = await deploy(
    inferenceService({
      name,
      namespace: "kserve-test",
      predictor: { serviceAccountName: `${name}-s3`, sklearn: { storageUri: irisUri } },
    }),
    {
      kubeconfig: { yaml: mock.kubeconfig },
      ingress: mock.ingressUrl,
      credentials: s3Credentials({
        name: `${name}-s3`,
        namespace: "kserve-test",
        accessKeyId,
        secretAccessKey,
        endpoint,
        useHttps: false,
      }),
      timeoutMs: 30_000,
    },
  );
  deployment.close();
  return deployment.endpoint.host!;
}
