/** The note an attempt carries for its HttpClient to fill (see core/http.ts's NotedRequest and core/request-context.ts). */

/**
 * Where the transport notes the headers it is handed, after the interceptors ran, on a request that carries it:
 * an answer that echoes a credential an interceptor added can then be cleaned of it. A symbol-keyed property,
 * so that an interceptor passing `{ ...request, headers }` on carries it along.
 */
export const WIRE_HEADERS = Symbol("kserve-client.wireHeaders");
