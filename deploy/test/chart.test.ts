import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Service } from "kubernetes-models/v1/Service";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { helmBinary, K8S_OUTPUT, K8S_VALUES, renderChart } from "../render-k8s.ts";

const chart = resolve(import.meta.dirname, "../helm/stox");

function valuesFile(yaml: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "stox-values-")), "values.yaml");
  writeFileSync(file, yaml);
  return file;
}

const allEnabled = valuesFile(`
services:
  sip-edge: { enabled: true }
  msrp-edge: { enabled: true }
  xmpp-edge: { enabled: true, componentSecret: stox-component }
  presence-mapper: { enabled: true }
  chat-mapper: { enabled: true }
nats: { url: "nats://nats:4222", credentialsSecret: nats-creds }
`);

type Doc = { kind: string; metadata: { name: string }; spec?: Record<string, unknown> };

function docs(yaml: string): Doc[] {
  return parseAllDocuments(yaml)
    .map((d) => d.toJS() as Doc | null)
    .filter((d): d is Doc => d !== null);
}

const validators: Record<string, (doc: unknown) => void> = {
  Deployment: (d) => new Deployment(d as never).validate(),
  Service: (d) => new Service(d as never).validate(),
  ConfigMap: (d) => new ConfigMap(d as never).validate(),
  PodDisruptionBudget: (d) => new PodDisruptionBudget(d as never).validate(),
};

describe("helm chart", () => {
  it("passes helm lint --strict", () => {
    const out = execFileSync(helmBinary(), ["lint", "--strict", chart, "-f", allEnabled], { encoding: "utf8" });
    expect(out).toContain("0 chart(s) failed");
  });

  it("renders objects that validate against the Kubernetes 1.27 schemas", () => {
    const rendered = docs(renderChart([allEnabled]));
    const kinds = rendered.map((d) => d.kind);
    expect(kinds.filter((k) => k === "Deployment")).toHaveLength(5);
    for (const doc of rendered) {
      const validate = validators[doc.kind];
      expect(validate, `no validator for ${doc.kind}`).toBeDefined();
      validate?.(doc);
    }
  });

  it("gives every pod its service name, probes, the drain grace period and file-mounted secrets", () => {
    const deployments = docs(renderChart([allEnabled])).filter(
      (d) => d.kind === "Deployment",
    ) as unknown as Deployment[];
    for (const d of deployments) {
      const pod = d.spec?.template.spec;
      const container = pod?.containers[0];
      const env = Object.fromEntries((container?.env ?? []).map((e) => [e.name, e.value]));
      expect(d.metadata?.name).toBe(`stox-stox-${env.STOX_SERVICES}`);
      expect(container?.livenessProbe?.httpGet?.path).toBe("/healthz");
      expect(container?.readinessProbe?.httpGet?.path).toBe("/readyz");
      expect(pod?.terminationGracePeriodSeconds).toBe(30);
      expect(env.NATS_PASSWORD_FILE).toBe("/var/run/secrets/stox/nats/password");
    }
    const xmpp = deployments.find((d) => d.metadata?.name?.endsWith("xmpp-edge"));
    const xmppEnv = xmpp?.spec?.template.spec?.containers[0]?.env ?? [];
    expect(xmppEnv.find((e) => e.name === "XMPP_EDGE_COMPONENT_SECRET_FILE")?.value).toBe(
      "/var/run/secrets/stox/component/secret",
    );
  });

  it("exposes SIP on UDP and TCP", () => {
    const svc = docs(renderChart([allEnabled])).find(
      (d) => d.kind === "Service" && d.metadata.name.endsWith("sip-edge"),
    );
    const ports = (svc?.spec?.ports ?? []) as { protocol: string; port: number }[];
    expect(ports.map((p) => `${p.protocol}/${p.port}`).sort()).toEqual(["TCP/5060", "UDP/5060"]);
  });

  it("refuses values that break the schema", () => {
    const bad = valuesFile('nats: { url: "http://nats:4222" }\n');
    expect(() => renderChart([bad])).toThrow(/nats\.url|pattern/);
  });

  it("keeps k8s/base/stox.yaml in step with the chart", () => {
    const committed = readFileSync(K8S_OUTPUT, "utf8");
    expect(committed.slice(committed.indexOf("\n") + 1)).toBe(renderChart([K8S_VALUES]));
  });
});
