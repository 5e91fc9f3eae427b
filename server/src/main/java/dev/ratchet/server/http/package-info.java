/**
 * The REST surface under {@code /api/v1}: authentication by bearer key, one error body
 * ({@link dev.ratchet.server.http.ApiError}), bounded body reading, and one routes class per capability.
 */
package dev.ratchet.server.http;
