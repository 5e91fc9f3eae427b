/**
 * The reference agent and the support-desk traffic it is demonstrated on: a small, fully local agent that
 * Ratchet's loop can improve end to end, and the data to watch it improve on.
 *
 * <ul>
 *   <li>The reference agent (to come) triages a customer's request at the support desk of a fictional online
 *       shop with its own payment card: it classifies the request into one of a fixed set of intents. It embeds
 *       the request with a frozen sentence encoder (bge-small-en-v1.5, {@link dev.ratchet.memory.BgeSmallEmbedder})
 *       and decides from what it can learn: the intents' descriptions (its instructions), routing rules, memory
 *       of earlier corrected requests and a trained linear head over the embeddings. Each of those is something
 *       Ratchet's loop changes: captured traces and feedback become memory, eval cases and training data.</li>
 *   <li>{@code DeskCatalog} is the desk's intents: names, deliberately terse starting descriptions (an agent with
 *       only those makes many mistakes, so there is room to improve), and the phrasing material the generator
 *       draws on, with confusable intents on purpose. {@code DeskTraffic} generates labelled requests from it,
 *       seeded and deterministic, with optional noise (typos, casing, fillers, greetings, context, slot values),
 *       and writes {@code train.csv}/{@code test.csv} folders in the shape of Banking77.</li>
 *   <li>{@link dev.ratchet.reference.LabeledText} is one labelled request and {@link
 *       dev.ratchet.reference.LabeledTexts} reads and writes them as {@code text,category} CSV files, the one
 *       reader for Banking77 and generated data alike.</li>
 * </ul>
 *
 * Everything here runs offline: the encoder ships inside a jar and the traffic is generated, so tests and demos
 * need neither a key nor a download.
 */
package dev.ratchet.reference;
