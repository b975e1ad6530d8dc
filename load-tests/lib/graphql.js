import http from 'k6/http';
import { GRAPHQL_URL, requireToken } from './config.js';

const token = requireToken();

/**
 * POSTs one GraphQL operation and returns the decoded body (or null when it is not JSON).
 * @param {string} query operation source, from ./operations.js
 * @param {Record<string, unknown>} variables
 * @param {Record<string, string>} [tags] k6 tags for the request metrics
 */
export function graphql(query, variables, tags = {}) {
  const response = http.post(GRAPHQL_URL, JSON.stringify({ query, variables }), {
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    tags,
  });
  /** @type {any} GraphQL response body: { data?, errors? } */
  let body;
  try {
    body = response.json();
  } catch (_) {
    body = null;
  }
  return { response, body };
}
