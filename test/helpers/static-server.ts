// A minimal static file server for the built site, on 127.0.0.1 only.
import {readFile} from "node:fs/promises";
import {createServer, type Server} from "node:http";
import {extname, join, normalize} from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".arrow": "application/vnd.apache.arrow.stream",
  ".png": "image/png",
  ".svg": "image/svg+xml"
};

export async function serveStatic(root: string): Promise<{url: string; server: Server; close(): Promise<void>}> {
  const server = createServer(async (req, res) => {
    try {
      let path = normalize(decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname));
      if (path.includes("..")) throw new Error("bad path");
      if (path.endsWith("/")) path += "index.html";
      else if (!extname(path)) path += ".html";
      const body = await readFile(join(root, path));
      res.writeHead(200, {"content-type": TYPES[extname(path)] ?? "application/octet-stream"});
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end("not found");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const {port} = server.address() as {port: number};
  return {url: `http://127.0.0.1:${port}`, server, close: () => new Promise((resolve) => server.close(() => resolve()))};
}
