/** The two builds of createV2Client: undici by default under Node, fetch elsewhere. */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.js";
import { createV2Client as universal } from "../../src/v2/index.js";
import { createV2Client as forNode } from "../../src/v2/index.node.js";
import * as rootNode from "../../src/index.node.js";
import * as root from "../../src/index.js";
import { thrown } from "../helpers.js";

let server: Server;
let baseUrl: string;
const hosts: (string | undefined)[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    hosts.push(req.headers.host);
    res.writeHead(200).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe("default HttpClient per build", () => {
  it("the Node build routes by host with no httpClient given", async () => {
    expect(await forNode({ baseUrl, host: "iris.kserve-test.example.com" }).serverLive()).toBe(true);
    expect(hosts.at(-1)).toBe("iris.kserve-test.example.com");
  });

  it("the universal build uses fetch, so host is refused at construction", () => {
    expect(thrown(ConfigError, () => universal({ baseUrl, host: "iris.kserve-test.example.com" })).message).toContain(
      "fetch cannot",
    );
  });

  it("the universal build works without host", async () => {
    expect(await universal({ baseUrl }).serverLive()).toBe(true);
  });

  it("the Node root entry is the universal one with the Node createV2Client", () => {
    expect(Object.keys(rootNode).sort()).toEqual(Object.keys(root).sort());
    expect(rootNode.createV2Client).toBe(forNode);
    expect(rootNode.Tensor).toBe(root.Tensor);
  });
});
