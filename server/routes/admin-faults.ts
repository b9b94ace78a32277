import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ApiError } from '../errors.js';
import { errorResponse } from '../../api/errors.js';
import { FAULT_LIMITS, FAULT_RULES_PER_REQUEST_MAX, FaultList, FaultRuleRequest, FaultRuleState, Journal, scenarioRequest } from '../../api/faults.js';
import { FaultRuleError, FaultRuleIdTaken } from '../faults/rules.js';
import { listScenarios, loadScenario, ScenarioError } from '../faults/scenarios.js';
import { adminGuard, checkAdminAccess } from './admin.js';

const tags = ['faults'];

/**
 * Fault rules, scenarios and the request journal under /__admin. Routes only translate:
 * the engine (server/faults) validates, decides and counts.
 */
export const adminFaultRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', async (request) => checkAdminAccess(app, request));
  const { errors: adminErrors, ...security } = adminGuard(app);

  app.get('/faults', { schema: { operationId: 'listFaults', tags, summary: 'The fault rules in the order they are checked, with counters', ...security, response: { 200: FaultList, ...adminErrors } } }, async () =>
    app.faults.list(),
  );

  app.post(
    '/faults',
    {
      schema: {
        operationId: 'addFaults',
        tags,
        summary: 'Add one fault rule or a list of them',
        description:
          'Example: {"status": 503, "times": 3} fails three requests, then lets them through. ' +
          `A list (1 to ${FAULT_RULES_PER_REQUEST_MAX} rules) is added all or nothing. An id already in use is 409 conflict.`,
        ...security,
        body: FaultRuleRequest,
        response: {
          201: Type.Object({ added: Type.Array(FaultRuleState.properties.rule, { description: 'The rules added, with their ids.' }), ...FaultList.properties }),
          409: errorResponse(409),
          ...adminErrors,
        },
      },
      // The engine validates with messages that name the field and what is allowed.
      validatorCompiler: () => () => true,
      // The first rule added can be removed again: a tool walks a fault's life.
      links: { 201: { DeleteAddedFault: { operationId: 'deleteFault', parameters: { id: '$response.body#/added/0/id' }, description: 'Remove the (first) rule just added.' } } },
    },
    async (request, reply) => {
      const body = request.body as unknown;
      const rules = Array.isArray(body) ? body : [body];
      if (Array.isArray(body) && (body.length === 0 || body.length > FAULT_RULES_PER_REQUEST_MAX)) {
        throw new ApiError('invalid_request', `A list of fault rules holds 1 to ${FAULT_RULES_PER_REQUEST_MAX} rules; got ${body.length}. Send one rule as an object, or a shorter list.`);
      }
      try {
        const added = app.faults.add(rules);
        return reply.code(201).send({ added, ...app.faults.list() });
      } catch (err) {
        if (err instanceof FaultRuleIdTaken) throw new ApiError('conflict', err.message);
        if (err instanceof FaultRuleError) throw new ApiError('invalid_request', err.message);
        throw err;
      }
    },
  );

  app.delete('/faults', { schema: { operationId: 'clearFaults', tags, summary: 'Remove every fault rule (the journal stays)', ...security, response: { 200: FaultList, ...adminErrors } } }, async () => {
    app.faults.clear();
    return app.faults.list();
  });

  app.delete(
    '/faults/:id',
    {
      schema: {
        operationId: 'deleteFault',
        tags,
        summary: 'Remove one fault rule',
        ...security,
        params: Type.Object({ id: Type.String({ pattern: FAULT_LIMITS.idPattern, description: 'The id of a rule, as GET /__admin/faults lists it.' }) }),
        response: { 200: FaultList, 404: errorResponse(404), ...adminErrors },
      },
    },
    async (request) => {
      if (!app.faults.remove(request.params.id)) {
        const ids = app.faults.rules().map((r) => r.id);
        throw new ApiError('not_found', `There is no fault rule "${request.params.id}". ${ids.length ? `Current rules: ${ids.join(', ')}.` : 'No rules are set.'} GET /__admin/faults lists them.`);
      }
      return app.faults.list();
    },
  );

  app.put(
    '/scenario',
    {
      schema: {
        operationId: 'loadScenario',
        tags,
        summary: 'Replace the fault rules with a named scenario from fixtures/scenarios',
        description: 'With "path" (e.g. "/agr_data"), every rule of the scenario acts on that data path only; without it, on every data path.',
        ...security,
        body: scenarioRequest(listScenarios()),
        response: { 200: Type.Object({ description: Type.String(), ...FaultList.properties }), ...adminErrors },
      },
      // Before the schema: a path that is not served gets the sentence naming the served ones.
      preValidation: async (request) => {
        const body = request.body as { path?: unknown } | null;
        if (body === null || typeof body !== 'object' || body.path === undefined) return;
        const served = app.config.verticals.map((p) => `/${p}_data`);
        if (typeof body.path !== 'string' || !served.includes(body.path)) {
          const got = typeof body.path === 'string' ? `"${body.path.slice(0, 40)}"` : `a ${typeof body.path}`;
          throw new ApiError('invalid_request', `path ${got} is not a data path this server serves; use one of ${served.join(', ')}, or leave path out for every data path.`);
        }
      },
    },
    async (request) => {
      const { name, path } = request.body;
      // A name only: a client of the admin API must not make the server read arbitrary files.
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) {
        throw new ApiError('invalid_request', `name must be a scenario name, not a path; valid names: ${listScenarios().join(', ')}.`);
      }
      try {
        const scenario = loadScenario(name);
        app.faults.load(scenario, path);
        return { description: scenario.description, ...app.faults.list() };
      } catch (err) {
        if (err instanceof ScenarioError || err instanceof FaultRuleError) throw new ApiError('invalid_request', `name: ${err.message}`);
        throw err;
      }
    },
  );

  app.get(
    '/requests',
    { schema: { operationId: 'listRequests', tags, summary: 'The request journal, oldest first (API keys redacted, bounded)', ...security, response: { 200: Journal, ...adminErrors } } },
    async () => {
      const requests = app.journal.list();
      return { count: requests.length, capacity: app.journal.capacity, dropped: app.journal.dropped, requests };
    },
  );

  app.delete(
    '/requests',
    { schema: { operationId: 'clearRequests', tags, summary: 'Empty the request journal', ...security, response: { 200: Type.Object({ cleared: Type.Integer() }), ...adminErrors } } },
    async () => {
      const cleared = app.journal.count;
      app.journal.clear();
      return { cleared };
    },
  );
};

