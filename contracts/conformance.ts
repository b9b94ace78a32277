import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule, { type FormatsPlugin } from 'ajv-formats';

// ajv-formats is CommonJS: under NodeNext its default import is the module object.
const addFormats: FormatsPlugin = (addFormatsModule as unknown as { default?: FormatsPlugin }).default ?? (addFormatsModule as unknown as FormatsPlugin);

/** One response as a client saw it. */
export interface SeenResponse {
  method: string;
  /** The request path, query string allowed (it is ignored). */
  url: string;
  status: number;
  /** The content-type header as sent (parameters such as charset are ignored). */
  contentType: string | undefined;
  /** The raw body text. */
  body: string;
}

interface MediaType {
  schema?: object;
}
interface Operation {
  responses?: Record<string, { content?: Record<string, MediaType> }>;
}
interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  /** Shared schemas (FaultRule, each vertical's record) that responses refer to by $ref. */
  components?: Record<string, unknown>;
}

export interface ResponseChecker {
  /**
   * What is wrong with a response by the document: an undocumented operation, status or
   * content type, a body that is not JSON, or a body that breaks the schema. Empty when it
   * conforms.
   */
  check(response: SeenResponse): string[];
  /** Problems of a body against the document's error schema (for 404/405 answers to paths or methods the document has no operation for). */
  checkErrorBody(body: string): string[];
  /** The methods the document lists for a path (upper case), or [] for an unknown path. */
  methodsOf(path: string): string[];
}

/**
 * A checker of responses against an OpenAPI 3.0 document, with Ajv: the checks
 * Schemathesis runs on every response (documented status, documented content type,
 * schema conformance), as a plain function usable from any test.
 *
 * @example
 * const checker = createResponseChecker(doc);
 * checker.check({ method: 'GET', url: '/hed_data', status: 200, contentType: 'application/json', body }) // []
 */
export function createResponseChecker(document: unknown): ResponseChecker {
  const doc = document as OpenApiDocument;
  // strict off: OpenAPI 3.0 schema objects carry keywords (example, nullable...) Ajv does not know.
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  const validators = new Map<object, ValidateFunction>();
  const validatorFor = (schema: object) => {
    let v = validators.get(schema);
    // The document's components ride along, so "#/components/schemas/AgrRecord" resolves from the root.
    if (!v) validators.set(schema, (v = ajv.compile({ ...schema, components: doc.components ?? {} })));
    return v;
  };

  const templates = Object.keys(doc.paths).map((template) => ({
    template,
    pattern: new RegExp(`^${template.replace(/[.+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
  }));
  const findPath = (url: string) => {
    const path = url.split('?')[0] ?? url;
    return templates.find((t) => t.pattern.test(path))?.template;
  };

  const validateBody = (schema: object | undefined, body: string, where: string): string[] => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return [`${where}: the body is not JSON (${JSON.stringify(body.slice(0, 80))})`];
    }
    if (!schema) return [];
    const validate = validatorFor(schema);
    if (validate(parsed)) return [];
    return (validate.errors ?? []).slice(0, 5).map((e) => `${where}: body${e.instancePath || ''} ${e.message ?? 'is invalid'}`);
  };

  const errorSchema = (() => {
    for (const ops of Object.values(doc.paths)) {
      for (const op of Object.values(ops)) {
        const schema = op.responses?.['400']?.content?.['application/json']?.schema;
        if (schema) return schema;
      }
    }
    return undefined;
  })();

  return {
    check(response) {
      const template = findPath(response.url);
      const where = `${response.method} ${response.url.split('?')[0]} -> ${response.status}`;
      if (!template) return [`${where}: the path is not in the document`];
      const operation = doc.paths[template]?.[response.method.toLowerCase()];
      if (!operation) return [`${where}: the document has no ${response.method} operation on ${template}`];
      const responses = operation.responses ?? {};
      const documented = responses[String(response.status)] ?? responses[`${String(response.status)[0]}XX`] ?? responses.default;
      if (!documented) return [`${where}: status ${response.status} is not documented (documented: ${Object.keys(responses).join(', ')})`];
      const content = documented.content ?? {};
      const mediaType = (response.contentType ?? '').split(';')[0]!.trim().toLowerCase();
      if (Object.keys(content).length === 0) return [];
      const media = content[mediaType];
      if (!media) return [`${where}: content type "${mediaType}" is not documented (documented: ${Object.keys(content).join(', ')})`];
      if (!/json/.test(mediaType)) return [];
      return validateBody(media.schema, response.body, where);
    },
    checkErrorBody(body) {
      return validateBody(errorSchema, body, 'error body');
    },
    methodsOf(path) {
      const template = findPath(path);
      return template ? Object.keys(doc.paths[template] ?? {}).map((m) => m.toUpperCase()) : [];
    },
  };
}
