/**
 * The {@code ratchet} command line: {@code serve} runs a server in this process; every other command is a
 * client of a running server over its HTTP API, finding the URL and key in flags, the environment
 * ({@code RATCHET_URL}, {@code RATCHET_API_KEY}) or the data directory.
 */
package dev.ratchet.server.cli;
