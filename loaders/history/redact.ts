// Opt-in redaction, so reports can be shared outside the lab: IPv4 and IPv6 addresses, hostnames and
// user names found in traces, host fingerprints and paths are replaced by stable placeholders
// (ip-3f9a0c12, ip6-…, host-…, user-…). A placeholder is a keyed hash of the value: the same address
// gets the same placeholder in every import and every page, and nobody without the key (kept in the
// store, never in the report) can turn it back, not even by trying all 2^32 IPv4 addresses.

import {createHmac, randomBytes} from "node:crypto";
import {linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync} from "node:fs";
import {isIPv4, isIPv6} from "node:net";
import os from "node:os";
import {join} from "node:path";
import type {HostFingerprint} from "../host/fingerprint.ts";
import {storeRoot} from "../store/store.ts";

export const KEY_FILE = ".redact-key";

/** The redaction key: $INFERSCOPE_REDACT_KEY, or <store>/.redact-key (made on first use, never published). */
export function redactionKey(root = storeRoot()): Buffer {
  const env = process.env.INFERSCOPE_REDACT_KEY;
  if (env) return createHmac("sha256", "inferscope-redact").update(env).digest();
  const path = join(root, KEY_FILE);
  try {
    return Buffer.from(readFileSync(path, "utf8").trim(), "hex");
  } catch {
    // first use: write beside, then link into place, so parallel loaders agree on one key
  }
  mkdirSync(root, {recursive: true});
  const temp = `${path}.tmp-${process.pid}-${randomBytes(3).toString("hex")}`;
  writeFileSync(temp, `${randomBytes(32).toString("hex")}\n`, {mode: 0o600});
  try {
    linkSync(temp, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    unlinkSync(temp);
  }
  return Buffer.from(readFileSync(path, "utf8").trim(), "hex");
}

/** Names never worth hiding (they say nothing about the lab) or that would clash with placeholders. */
const NOT_NAMES = new Set(["localhost", "localhost.localdomain", "root", "host", "ip", "ip6", "user", "nobody", "admin", "runner", "ubuntu", "debian"]);

/** Top-level domains that mark a word as a hostname (ccTLDs are left out: .py, .md, .so are file types). */
const TLDS = "com|net|org|edu|gov|mil|int|io|ai|cloud|local|localdomain|lan|internal|intranet|corp|home|lab";

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

const URL_RE = String.raw`(?<url>\b[a-z][a-z0-9+.-]*:\/\/(?:[^\/\s@'"<>]*@)?(?:\[[0-9a-f:.%\w]+\]|[^\/\s:?#'"<>\]]+))`;
const HOME_RE = String.raw`(?<home>(?:\/home\/|\/Users\/|\/var\/home\/|\b[a-z]:\\Users\\)(?<homeuser>[^\/\\\s:'"<>]+))`;
const EMAIL_RE = String.raw`(?<email>(?<![\w.+-])(?<mailuser>[a-z0-9._%+-]+)@(?<mailhost>(?:[a-z0-9-]+\.)+[a-z0-9-]+|\[[0-9a-f:.]+\]))`;
// A run of hex digits, colons and dots with two colons or more; checked with net.isIPv6 afterwards
// (times like 12:30:45 and C++ names like std::vector are not addresses). A trailing :port is kept.
const IPV6_RE = String.raw`(?<ipv6>(?<![0-9a-z:.])(?=[0-9a-f.]*:[0-9a-f.]*:)[0-9a-f:.]+(?:%[0-9a-z_-]+)?(?![0-9a-z:]))`;
const OCTET = String.raw`(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)`;
const IPV4_RE = String.raw`(?<ipv4>(?<![0-9.])(?:${OCTET}\.){3}${OCTET}(?![0-9]|\.[0-9]))`;
const FQDN_RE = String.raw`(?<fqdn>(?<![\w.-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:${TLDS})(?![\w-]|\.[a-z0-9]))`;

export interface RedactCounts {
  ip: number;
  host: number;
  user: number;
}

export interface RedactorOptions {
  key: Buffer;
  /** Hostnames to hide wherever they appear (this machine's is always added). */
  hostnames?: readonly (string | null | undefined)[];
  /** User names to hide (this user's is always added). */
  users?: readonly (string | null | undefined)[];
  /** Other words to hide, e.g. a lab or project name ($INFERSCOPE_REDACT_NAMES, comma-separated). */
  words?: readonly string[];
}

export class Redactor {
  readonly counts: RedactCounts = {ip: 0, host: 0, user: 0};
  private readonly key: Buffer;
  private readonly pattern: RegExp;
  private readonly known = new Map<string, "host" | "user" | "word">();
  // Traces repeat the same strings (model names, addresses) many times.
  private readonly cache = new Map<string, string>();

  constructor({key, hostnames = [], users = [], words = (process.env.INFERSCOPE_REDACT_NAMES ?? "").split(",")}: RedactorOptions) {
    this.key = key;
    const add = (name: string | null | undefined, kind: "host" | "user" | "word") => {
      const n = name?.trim().toLowerCase();
      if (!n || n.length < 2 || NOT_NAMES.has(n) || this.known.has(n)) return;
      this.known.set(n, kind);
      // A fully qualified hostname is hidden in its short form too.
      if (kind === "host" && n.includes(".") && !/^[\d.]+$/.test(n)) add(n.split(".")[0], "host");
    };
    for (const h of [os.hostname(), ...hostnames]) add(h, "host");
    let me: string | undefined;
    try {
      me = os.userInfo().username;
    } catch {
      me = process.env.USER;
    }
    for (const u of [me, ...users]) add(u, "user");
    for (const w of words) add(w, "word");
    const names = [...this.known.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp);
    const KNOWN_RE = names.length ? String.raw`(?<known>(?<![a-z0-9])(?:${names.join("|")})(?![a-z0-9]))` : "";
    this.pattern = new RegExp([URL_RE, HOME_RE, EMAIL_RE, IPV6_RE, IPV4_RE, FQDN_RE, KNOWN_RE].filter(Boolean).join("|"), "gi");
  }

  private hash(kind: string, value: string): string {
    return createHmac("sha256", this.key).update(`${kind}:${value}`).digest("hex").slice(0, 8);
  }

  /** The placeholder of an IP address (v4 or v6, zone and brackets dropped). */
  ip(address: string): string {
    let a = address.replace(/^\[|\]$/g, "").replace(/%.*$/, "").toLowerCase();
    this.counts.ip++;
    if (isIPv4(a)) return `ip-${this.hash("ip", a)}`;
    try {
      // One placeholder per address however it is written (2001:0db8:0:0::1 is 2001:db8::1).
      a = new URL(`http://[${a}]/`).hostname.slice(1, -1);
    } catch {
      // keep as written
    }
    return `ip6-${this.hash("ip", a)}`;
  }

  /** The placeholder of a hostname: one per machine, whether written short or fully qualified. */
  hostname(name: string): string {
    const n = name.trim().toLowerCase();
    if (isIPv4(n) || isIPv6(n.replace(/^\[|\]$/g, ""))) return this.ip(n);
    if (n === "" || n === "localhost" || n === "localhost.localdomain" || /^(host|ip6?|user)-[0-9a-f]{8}$/.test(n)) return name;
    this.counts.host++;
    return `host-${this.hash("host", n.split(".")[0])}`;
  }

  user(name: string): string {
    const n = name.trim().toLowerCase();
    if (NOT_NAMES.has(n) || /^user-[0-9a-f]{8}$/.test(n)) return name;
    this.counts.user++;
    return `user-${this.hash("user", n)}`;
  }

  private url(match: string): string {
    const m = /^([a-z][a-z0-9+.-]*:\/\/)(?:([^\/\s@]*)@)?(.*)$/i.exec(match)!;
    const [, scheme, userinfo, host] = m;
    const who = userinfo === undefined ? "" : `${userinfo.includes(":") ? this.user(userinfo.split(":")[0]) : this.user(userinfo)}@`;
    return `${scheme}${who}${host.startsWith("[") ? `[${this.ip(host)}]` : this.hostname(host)}`;
  }

  /** Replace every address, hostname and user name in a string. */
  text(s: string): string {
    if (s === "") return s;
    const hit = this.cache.get(s);
    if (hit !== undefined) return hit;
    const out = this.replace(s);
    if (this.cache.size > 100_000) this.cache.clear();
    this.cache.set(s, out);
    return out;
  }

  private replace(s: string): string {
    return s.replace(this.pattern, (match: string, ...rest: unknown[]) => {
      const groups = rest[rest.length - 1] as Record<string, string | undefined>;
      if (groups.url) return this.url(match);
      if (groups.home) return match.slice(0, match.length - groups.homeuser!.length) + this.user(groups.homeuser!);
      if (groups.email) return `${this.user(groups.mailuser!)}@${groups.mailhost!.startsWith("[") ? `[${this.ip(groups.mailhost!)}]` : this.hostname(groups.mailhost!)}`;
      if (groups.ipv6) return this.ipv6Run(match);
      if (groups.ipv4) return this.ip(match);
      if (groups.fqdn) return this.hostname(match);
      const kind = this.known.get(match.toLowerCase());
      return kind === "user" ? this.user(match) : kind === "host" ? this.hostname(match) : `redacted-${this.hash("word", match.toLowerCase())}`;
    });
  }

  /** An IPv6 address (with a zone, a trailing :port or a sentence's full stop), or the text unchanged. */
  private ipv6Run(run: string): string {
    const dots = /\.*$/.exec(run)![0];
    const body = run.slice(0, run.length - dots.length);
    const address = (a: string) => {
      const bare = a.replace(/%.*$/, "");
      // Needs a digit, and "::" or all eight groups: hex words such as "add:cafe:face" are not addresses.
      return /\d/.test(bare) && (bare.includes("::") || bare.split(":").length === 8 || /\d\.\d+\.\d+\.\d+$/.test(bare)) && isIPv6(bare);
    };
    if (address(body)) return this.ip(body) + dots;
    const port = /:(\d{1,5})$/.exec(body);
    if (port && address(body.slice(0, port.index))) return `${this.ip(body.slice(0, port.index))}:${port[1]}${dots}`;
    return run;
  }

  /** Redact every string in a value (arrays and plain objects walked; numbers, dates and the rest kept). */
  value<T>(v: T): T {
    if (typeof v === "string") return this.text(v) as T;
    if (Array.isArray(v)) return v.map((x) => this.value(x)) as T;
    if (v && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, this.value(x)])) as T;
    }
    return v;
  }

  /** A host fingerprint with its hostname replaced (and any address or name in the OS string). */
  host(h: HostFingerprint): HostFingerprint {
    return {...h, host_name: this.hostname(h.host_name), host_os: this.text(h.host_os)};
  }

  summary(): string {
    const {ip, host, user} = this.counts;
    return `${ip} address${ip === 1 ? "" : "es"}, ${host} hostname${host === 1 ? "" : "s"}, ${user} user name${user === 1 ? "" : "s"}`;
  }
}

/** A redactor that knows the hostnames in `hostnames` besides this machine's, keyed for the store at `root`. */
export function redactorFor({root, hostnames = [], users = []}: {root?: string; hostnames?: readonly (string | null | undefined)[]; users?: readonly string[]} = {}): Redactor {
  return new Redactor({key: redactionKey(root), hostnames, users});
}

/** The --redact flag of the import commands. */
export const redactOption = {
  type: "boolean",
  description: "replace IP addresses, hostnames and user names (in the data, file paths and host fingerprint) with stable placeholders before storing, for reports shared outside the lab"
} as const;
