/**
 * The layering of ARCHITECTURE.md, enforced: `npm run lint:deps` (and CI) fail on any violation.
 * test/lint/dependency-rules.test.ts proves each rule fires.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: "errors-import-nothing",
      comment: "src/errors is the bottom layer: the base class, its brand and the error classes, importing nothing.",
      severity: "error",
      from: { path: "^src/errors/" },
      to: { pathNot: "^src/errors/" },
    },
    {
      name: "tensor-imports-only-errors",
      comment: "src/tensor sits on src/errors alone: no other layer, no package, no Node built-in.",
      severity: "error",
      from: { path: "^src/tensor/" },
      to: { pathNot: "^src/(tensor|errors)/" },
    },
    {
      name: "core-imports-only-tensor-errors-internal",
      comment:
        "src/core (one call done reliably) sits on tensor, errors and internal only: never on a protocol, deploy or node.",
      severity: "error",
      from: { path: "^src/core/" },
      to: { path: "^src/", pathNot: "^src/(core|tensor|errors|internal)/" },
    },
    {
      name: "internal-imports-only-errors",
      comment: "src/internal holds private helpers that any layer may use, so it depends on nothing but errors.",
      severity: "error",
      from: { path: "^src/internal/" },
      to: { path: "^src/", pathNot: "^src/(internal|errors)/" },
    },
    {
      name: "entries-do-not-reexport-internal",
      comment: "An entry point (index*.ts) names public API only; src/internal is never part of it.",
      severity: "error",
      from: { path: "^src/(index|[a-z0-9]+/index)" },
      to: { path: "^src/internal/" },
    },
    {
      name: "v1-v2-independent",
      comment: "v1 and v2 never import each other; move shared things down into core or tensor.",
      severity: "error",
      from: { path: "^src/(v1|v2)/" },
      to: { path: "^src/(v1|v2)/", pathNot: "^src/$1/" },
    },
    {
      name: "src-not-to-testing-examples-tests",
      comment: "Nothing in src imports testing, examples or test.",
      severity: "error",
      from: { path: "^src/", pathNot: "^src/(testing|cli)/" },
      to: { path: "^(src/testing|examples|test)/" },
    },
    {
      name: "node-builtins-only-in-node",
      comment:
        "Only src/node touches node:* so the universal entries load in browsers and edge runtimes. The mock " +
        "servers (Node servers by nature: the model server, the Kubernetes API, the cluster's reconciler and " +
        "ingress) and the Node build's msw loader (node:module's createRequire) are the exception in testing; " +
        "deploy's Node part loads kubeconfig files.",
      severity: "error",
      from: {
        path: "^src/",
        pathNot:
          "^src/(node/|cli/|testing/(mock-server\\.ts$|msw\\.node\\.ts$|kube/|cluster/)|deploy/[\\w-]+\\.node\\.ts$)",
      },
      to: { dependencyTypes: ["core"] },
    },
    {
      name: "node-only-packages-only-in-node",
      comment:
        "undici and connect-node are Node-only: only src/node (and the mock server, a Node server) may import them.",
      severity: "error",
      from: { path: "^src/", pathNot: "^src/(node/|testing/(mock-server\\.ts$|cluster/)|deploy/[\\w-]+\\.node\\.ts$)" },
      to: { path: "node_modules/(undici|@connectrpc/connect-node)/" },
    },
    {
      name: "kubernetes-client-only-in-deploy-node",
      comment:
        "@kubernetes/client-node is an optional, Node-only peer: only deploy's Node part (and the tests' harness) load it.",
      severity: "error",
      from: { path: "^src/", pathNot: "^src/(deploy/[\\w-]+\\.node\\.ts$|testing/cluster/)" },
      to: { path: "node_modules/@kubernetes/client-node/" },
    },
    {
      name: "opentelemetry-only-in-otel",
      comment:
        "@opentelemetry/api is an optional peer that only kserve-client/otel loads; nothing else imports it or src/otel.",
      severity: "error",
      from: { path: "^src/", pathNot: "^src/otel/" },
      to: { path: ["node_modules/@opentelemetry/", "^src/otel/"] },
    },
    {
      name: "nothing-imports-cli",
      comment: "src/cli is the command line, a Node program on top of the package: no entry or layer may reach it.",
      severity: "error",
      from: { path: "^src/", pathNot: "^src/cli/" },
      to: { path: "^src/cli/" },
    },
    {
      name: "cli-uses-public-entries",
      comment:
        "The command line is a user of the package: it imports its public entries by name (kserve-client/…), which " +
        "resolve to the entry files, never a module behind them.",
      severity: "error",
      from: { path: "^src/cli/" },
      to: {
        path: "^src/",
        pathNot: ["^src/cli/", "^src/index(\\.node)?\\.ts$", "^src/[a-z0-9]+/index(\\.node)?\\.ts$"],
      },
    },
    {
      name: "grpc-uses-v2-types-only",
      comment: "grpc shares the V2 client interface with REST through type-only imports (erased at build).",
      severity: "error",
      from: { path: "^src/grpc/" },
      to: { path: "^src/v2/", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "generated-code-not-imported-outside-grpc",
      comment: "Only the hand-written wrappers in src/grpc import the generated code.",
      severity: "error",
      from: { path: "^src/", pathNot: "^src/grpc/" },
      to: { path: "^src/grpc/gen/" },
    },
    {
      name: "no-circular",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "not-to-unresolvable",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    // Package "exports" maps are read (subpaths such as @bufbuild/protobuf/codegenv2 exist only there).
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["@kserve-client/source", "import", "require", "node", "default"],
    },
  },
};
