/**
 * How our servers meet the network, one rule for the mock and the app: which host names a
 * server answers to (DNS rebinding), which requests from a browser page on another site it
 * refuses (CSRF), how deep a JSON body may nest, the security headers it sends, and the
 * addresses it prints when it listens. Pure functions of plain inputs; each server wires
 * them into its own error shape.
 */
import { hostname as osHostname, networkInterfaces, type NetworkInterfaceInfo } from 'node:os';

/** Interfaces as `os.networkInterfaces()` gives them. */
export type Interfaces = NodeJS.Dict<NetworkInterfaceInfo[]>;

/**
 * Whether a host name or address is the loopback interface (`localhost`, `*.localhost`,
 * 127.0.0.0/8, `::1`, with or without brackets).
 *
 * @example isLoopbackHost('127.1.2.3') // true
 * @example isLoopbackHost('127.0.0.1.nip.io') // false
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/**
 * The host name of a Host header, without the port.
 *
 * @example hostnameOf('[::1]:8501') // '[::1]'
 * @example hostnameOf('localhost:8501') // 'localhost'
 */
export function hostnameOf(hostHeader: string | undefined): string {
  if (!hostHeader) return '';
  const bracketed = /^\[[^\]]*\]/.exec(hostHeader);
  return bracketed ? bracketed[0] : hostHeader.replace(/:\d*$/, '');
}

/** A host name as compared: lower case, no brackets, no trailing dot. */
const normalName = (name: string) => name.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');

/** Whether a bind address means every interface. */
export function isWildcardHost(host: string): boolean {
  const h = normalName(host);
  return h === '0.0.0.0' || h === '::' || h === '0:0:0:0:0:0:0:0';
}

/** The host names a server answers to, besides the loopback names it always answers to. */
export interface HostAllowList {
  /** Lower case, without brackets. */
  names: ReadonlySet<string>;
}

/**
 * The names a server bound to `bindHost` answers to: loopback names always; the bound
 * address itself; for a wildcard bind (0.0.0.0, ::) every address of this machine, its
 * host name and `<hostname>.local`; and every `--allow-host` name.
 *
 * @example allowedHosts('0.0.0.0', ['lab.example.org'], { eth0: [{ address: '10.0.0.5', ... }] }, 'prof')
 * // names: 0.0.0.0, 10.0.0.5, prof, prof.local, lab.example.org
 */
export function allowedHosts(bindHost: string, allowHosts: readonly string[] = [], interfaces: Interfaces = networkInterfaces(), machineName: string = osHostname()): HostAllowList {
  const names = new Set<string>([normalName(bindHost)]);
  if (isWildcardHost(bindHost)) {
    for (const info of Object.values(interfaces).flat()) if (info) names.add(normalName(info.address));
    if (machineName) {
      names.add(normalName(machineName));
      names.add(`${normalName(machineName).split('.')[0]}.local`);
    }
  }
  for (const name of allowHosts) names.add(normalName(name));
  return { names };
}

/** Why a request is refused, for the server to answer in its own error shape (403). */
export interface Refusal {
  code: 'host_not_allowed' | 'cross_site_request';
  message: string;
}

/** The parts of a request the guard reads. */
export interface GuardedRequest {
  method: string;
  url: string;
  host?: string;
  origin?: string;
  secFetchSite?: string;
}

/**
 * The guarded parts of a request as Node hands its headers over (a repeated header counts
 * by its first value).
 *
 * @example guardedRequestOf(request) // { method: 'POST', url: '/x', host: '127.0.0.1:8080', origin: undefined, ... }
 */
export function guardedRequestOf(request: { method: string; url: string; headers: Record<string, string | string[] | undefined> }): GuardedRequest {
  const header = (name: string) => {
    const value = request.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  return { method: request.method, url: request.url, host: header('host'), origin: header('origin'), secFetchSite: header('sec-fetch-site') };
}

/** Methods that must not change state; everything else is checked for a cross-site origin. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The guard's decision, pure: undefined to serve the request, else a refusal.
 *
 * - The Host header must name loopback or a name of the allow list (a request without a
 *   Host header comes from no browser and passes).
 * - A request that may change state (not GET, HEAD or OPTIONS) is refused when
 *   `Sec-Fetch-Site` is anything but `same-origin` or `none`, or when `Origin` is present
 *   and is not this server's own origin. Connectors, curl and the SDK send neither.
 *
 * @example guardRequest({ method: 'POST', url: '/__admin/reset', host: '127.0.0.1:8080', origin: 'https://evil.example' }, allowedHosts('127.0.0.1'), 'hed-mock')
 * // { code: 'cross_site_request', message: 'A page at https://evil.example ...' }
 */
export function guardRequest(request: GuardedRequest, allowed: HostAllowList, server: string): Refusal | undefined {
  const path = request.url.split('?')[0] ?? '/';
  if (request.host !== undefined) {
    const name = normalName(hostnameOf(request.host));
    if (!isLoopbackHost(name) && !allowed.names.has(name)) {
      const names = ['127.0.0.1', 'localhost', ...[...allowed.names].filter((n) => !isLoopbackHost(n) && !isWildcardHost(n))];
      return {
        code: 'host_not_allowed',
        message: `This ${server} answers requests addressed to ${names.join(', ')}, not "${request.host.slice(0, 100)}" (a guard against DNS rebinding). Open it by one of those names, or restart it with --allow-host ${name.slice(0, 100) || 'NAME'} if that name is yours.`,
      };
    }
  }
  if (SAFE_METHODS.has(request.method.toUpperCase())) return undefined;
  const site = request.secFetchSite?.toLowerCase();
  const crossSite = site !== undefined && site !== 'same-origin' && site !== 'none';
  const foreignOrigin = request.origin !== undefined && !sameOrigin(request.origin, request.host);
  if (crossSite || foreignOrigin) {
    const from = request.origin !== undefined ? `A page at ${request.origin.slice(0, 100)}` : `A ${site} page`;
    return {
      code: 'cross_site_request',
      message: `${from} may not change this ${server}'s state, so ${request.method} ${path.slice(0, 200)} was refused. Send it from this machine with curl, a connector or the ${server}'s own page (they send no foreign Origin).`,
    };
  }
  return undefined;
}

/** Whether an Origin header is the origin of the server the Host header names. */
function sameOrigin(origin: string, host: string | undefined): boolean {
  if (host === undefined || origin === 'null') return false;
  try {
    const url = new URL(origin);
    // Through URL on both sides, so a default port (:80) reads the same written or not.
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.host === new URL(`${url.protocol}//${host}`).host;
  } catch {
    return false;
  }
}

/** JSON bodies nest at most this deep (arrays and objects); deeper is a 400. */
export const BODY_DEPTH_MAX = 32;

/**
 * How deep a parsed JSON value nests, counted without recursion (a hostile body cannot
 * overflow the stack here), and stopping once past `limit`.
 *
 * @example jsonDepth({ a: [1, { b: 2 }] }) // 3
 */
export function jsonDepth(value: unknown, limit: number = BODY_DEPTH_MAX): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (item === null || typeof item !== 'object') continue;
    deepest = Math.max(deepest, depth);
    if (deepest > limit) return deepest;
    for (const child of Object.values(item)) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return deepest;
}

/** The sentence for a body nested too deep. */
export const tooDeepMessage = (depth: number) => `The JSON body nests deeper than ${BODY_DEPTH_MAX} levels (${depth > BODY_DEPTH_MAX ? `more than ${BODY_DEPTH_MAX}` : depth}); send the flat object this route documents.`;

/**
 * The security headers a server sends: a CSP that allows only this origin's scripts (no
 * `'unsafe-eval'`) and forbids framing, X-Frame-Options for older browsers, no referrer
 * leaving the machine, and no content sniffing.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  // Vega-Embed and the spec page set inline styles; no script can be inlined.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Header name → value, sent on every response. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'cross-origin-opener-policy': 'same-origin',
};

/**
 * The URLs to print for an address the server listens on: for every interface (0.0.0.0
 * or ::) each non-internal IPv4 address of this machine and then loopback, since
 * http://0.0.0.0 is not a place a browser can go.
 *
 * @example
 * shownUrls('http://0.0.0.0:8080', { eth0: [{ family: 'IPv4', address: '10.0.0.5', internal: false, ... }] })
 * // ['http://10.0.0.5:8080', 'http://127.0.0.1:8080']
 */
export function shownUrls(address: string, interfaces: Interfaces = networkInterfaces()): string[] {
  const url = new URL(address);
  if (url.hostname !== '0.0.0.0' && url.hostname !== '[::]') return [address];
  const external = Object.values(interfaces)
    .flat()
    .filter((i) => i !== undefined && i.family === 'IPv4' && !i.internal)
    .map((i) => `http://${i!.address}:${url.port}`);
  return [...new Set(external), `http://127.0.0.1:${url.port}`];
}

/**
 * The one warning line for a server bound beyond loopback: what is reachable now, and how
 * to narrow it. Undefined for a loopback bind.
 *
 * @example exposureWarning('0.0.0.0', 'the StudentSuccess app', 'student records, the CSV download and report generation', ['http://10.0.0.5:8501'])
 */
export function exposureWarning(bindHost: string, server: string, what: string, urls: readonly string[]): string | undefined {
  if (isLoopbackHost(bindHost)) return undefined;
  const where = urls.filter((u) => !isLoopbackHost(new URL(u).hostname));
  const at = where.length > 0 ? ` at ${where.join(', ')}` : '';
  return `Warning: ${server} is bound to ${bindHost}, so every machine that can reach this one can now use ${what}${at}; bind --host 127.0.0.1 to keep it on this machine, or a firewall to limit who reaches it (docs/security.md).`;
}
