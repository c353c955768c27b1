import Fastify, { type FastifyInstance } from "fastify";

export interface ReadinessReport {
  readonly isReady: boolean;
  /** Name -> ready, e.g. { bus: true, "sip-edge": false }. */
  readonly checks: Readonly<Record<string, boolean>>;
}

export interface HealthServerOptions {
  readonly host: string;
  readonly port: number;
  readiness(): ReadinessReport;
  /** Prometheus text exposition. */
  metrics(): Promise<string>;
}

export interface HealthServer {
  /** The bound port (useful with port 0). */
  readonly port: number;
  close(): Promise<void>;
}

/**
 * `/healthz` (the process is alive: 200 while it serves HTTP), `/readyz` (200 only while every check passes and
 * the process is not draining; 503 otherwise, with the checks in the body), `/metrics` (Prometheus).
 */
export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const app: FastifyInstance = Fastify({ logger: false });
  app.get("/healthz", async () => ({ status: "ok" }));
  app.get("/readyz", async (_req, reply) => {
    const report = options.readiness();
    reply.code(report.isReady ? 200 : 503);
    return { status: report.isReady ? "ready" : "not ready", checks: report.checks };
  });
  app.get("/metrics", async (_req, reply) => {
    reply.header("content-type", "text/plain; version=0.0.4; charset=utf-8");
    return options.metrics();
  });
  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  return { port, close: () => app.close() };
}
