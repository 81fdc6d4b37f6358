/**
 * Demo mode only (`tessera serve --demo`, loopback only): `GET /_tessera/demo` describes the demo
 * tenant for the demo page: its user pool, app client, domain and demo user (the fixed demo
 * password is meant to be shown), its identity pool, roles, and where the gateway and the demo
 * bucket and table are. Nothing here is registered without demo mode.
 */
import type { FastifyInstance } from 'fastify';
import type { DemoInfo } from '../app.js';

export interface DemoRouteDeps {
  demo: DemoInfo;
  gatewayUrl: () => string | undefined;
}

export function demoRoutes(deps: DemoRouteDeps): (app: FastifyInstance) => void {
  return (app) => {
    app.get('/_tessera/demo', async (_request, reply) => {
      const { tenant, storesProblem } = deps.demo;
      reply.header('cache-control', 'no-store').send({
        developmentOnly: true,
        ...tenant,
        gatewayUrl: deps.gatewayUrl() ?? null,
        dataStep: storesProblem ? { available: false, reason: storesProblem } : { available: deps.gatewayUrl() !== undefined },
      });
    });
  };
}
