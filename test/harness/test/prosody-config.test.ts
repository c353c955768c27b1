import { describe, expect, it } from "vitest";
import { luaString, renderProsodyConfig } from "../src/prosody-config.js";

const base = { dir: "/tmp/x", domain: "localhost", c2sPort: 5000, componentPort: 5001, components: [] };

describe("renderProsodyConfig", () => {
  it("binds loopback only, on the given ports, with data, pid file and log inside the dir", () => {
    const cfg = renderProsodyConfig(base);
    expect(cfg).toContain('interfaces = { "127.0.0.1" }');
    expect(cfg).toContain("c2s_ports = { 5000 }");
    expect(cfg).toContain("component_ports = { 5001 }");
    expect(cfg).toContain("s2s_ports = {  }");
    expect(cfg).toContain('pidfile = "/tmp/x/prosody.pid"');
    expect(cfg).toContain('data_path = "/tmp/x/data"');
    expect(cfg).toContain("run_as_root = true");
    expect(cfg).not.toContain("dialback");
  });

  it("declares components with their secrets and a MUC service", () => {
    const cfg = renderProsodyConfig({
      ...base,
      components: [{ name: "sip.localhost", secret: 'se"cret' }],
      mucDomain: "conference.localhost",
    });
    expect(cfg).toContain('Component "sip.localhost"\n  component_secret = "se\\"cret"');
    expect(cfg).toContain('Component "conference.localhost" "muc"');
  });

  it("opens S2S with dialback and writes static routes for the route module", () => {
    const cfg = renderProsodyConfig({
      ...base,
      s2sPort: 5002,
      s2s: { routes: { "sip.localhost": 6000, "b.localhost": "127.0.0.2:7000" }, insecureDomains: ["sip.localhost"] },
    });
    expect(cfg).toContain("s2s_ports = { 5002 }");
    expect(cfg).toMatch(/modules_enabled = \{[^}]*"dialback"[^}]*"stox_s2s_routes" \}/);
    expect(cfg).toContain(
      'stox_s2s_routes = { ["sip.localhost"] = "127.0.0.1:6000", ["b.localhost"] = "127.0.0.2:7000" }',
    );
    expect(cfg).toContain('plugin_paths = { "/tmp/x/plugins" }');
    expect(cfg).toContain('s2s_insecure_domains = { "sip.localhost" }');
  });

  it("enables mod_tls with the certificate files and the S2S TLS policy, extra modules once, extra plugin paths", () => {
    const cfg = renderProsodyConfig({
      ...base,
      s2sPort: 5002,
      s2s: { routes: { "sip.localhost": 6000 } },
      tls: {
        certFile: "/c/l.pem",
        keyFile: "/c/l.key",
        caFile: "/c/ca.pem",
        s2sRequireEncryption: true,
        s2sSecureAuth: true,
      },
      modules: ["dialback", "mine"],
      pluginPaths: ["/p"],
    });
    expect(cfg.match(/^modules_enabled = .*$/gm)).toEqual([
      'modules_enabled = { "roster", "saslauth", "disco", "ping", "posix", "version", "time", "tls", "dialback", "stox_s2s_routes", "mine" }',
    ]);
    expect(cfg).toContain('ssl = { certificate = "/c/l.pem", key = "/c/l.key", cafile = "/c/ca.pem" }');
    expect(cfg.match(/^s2s_require_encryption = .*$/gm)).toEqual(["s2s_require_encryption = true"]);
    expect(cfg.match(/^s2s_secure_auth = .*$/gm)).toEqual(["s2s_secure_auth = true"]);
    expect(cfg).toContain("c2s_require_encryption = false");
    expect(cfg).toContain('plugin_paths = { "/tmp/x/plugins", "/p" }');
    const plain = renderProsodyConfig(base);
    expect(plain).not.toContain("ssl =");
    expect(plain).toContain("s2s_secure_auth = false");
  });

  it.each([
    ["plain", '"plain"'],
    ['a"b', '"a\\"b"'],
    ["back\\slash", '"back\\\\slash"'],
    ["two\nlines", '"two\\nlines"'],
  ])("quotes %j as a Lua string", (value, lua) => {
    expect(luaString(value)).toBe(lua);
  });
});
