/**
 * Tenancy and access: projects scope every piece of data, and API keys (stored as SHA-256 hashes,
 * shown in plain text once) say which project a caller acts for. A key of one project can reach only
 * that project's data; an admin key can also create projects and keys.
 */
package dev.ratchet.project;
