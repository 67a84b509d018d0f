/// <reference types="node" />
/**
 * One plain-text port for HTTP/1.1 and HTTP/2 with prior knowledge (h2c, what gRPC clients speak without TLS),
 * as Envoy listens: the first bytes of a connection decide. An HTTP/2 client opens with the connection preface
 * `PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n`, which no HTTP/1 request line can start with.
 */
import type { Server as HttpServer } from "node:http";
import type { Http2Server } from "node:http2";
import { createServer, type Server, type Socket } from "node:net";
import { Duplex } from "node:stream";

const PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "latin1");

/** A TCP server that hands each connection to `http1` or `http2` by its first bytes. */
export function createSniffingServer(http1: HttpServer, http2: Http2Server): Server {
  return createServer((socket) => {
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const n = Math.min(head.length, PREFACE.length);
      const h2 = head.subarray(0, n).equals(PREFACE.subarray(0, n));
      if (h2 && head.length < PREFACE.length) return; // could still be either: wait for more
      socket.off("data", onData);
      socket.pause();
      if (h2) {
        // The HTTP/2 session reads the socket's handle directly and would miss bytes already read: give it a
        // stream that replays them first.
        http2.emit("connection", new ReplayingSocket(socket, head));
      } else {
        // The HTTP/1 parser reads the socket as a stream: putting the bytes back is enough.
        socket.unshift(head);
        http1.emit("connection", socket);
        socket.resume();
      }
    };
    socket.on("data", onData);
    socket.on("error", () => socket.destroy()); // a client that goes away before deciding
  });
}

/** A duplex over `socket` whose readable side starts with `head`, the bytes read to recognise the protocol. */
class ReplayingSocket extends Duplex {
  constructor(
    private readonly socket: Socket,
    head: Buffer,
  ) {
    super();
    this.push(head);
    socket.on("data", (chunk: Buffer) => {
      if (!this.push(chunk)) socket.pause();
    });
    socket.on("end", () => this.push(null));
    socket.on("error", (error) => this.destroy(error));
    socket.on("close", () => this.destroy());
  }

  override _read(): void {
    this.socket.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.socket.write(chunk, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.socket.end();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.socket.destroy();
    callback(error);
  }
}
