/**
 * The reference agent and the support-desk traffic it is demonstrated on: a small, fully local agent that
 * Ratchet's loop can improve end to end, and the data to watch it improve on.
 *
 * <ul>
 *   <li>The reference agent (to come) triages a customer's request at the support desk of a fictional online
 *       shop with its own payment card: it classifies the request into one of the desk's intents. It embeds the
 *       request with a frozen sentence encoder (bge-small-en-v1.5, {@link dev.ratchet.memory.BgeSmallEmbedder}) and
 *       decides from what it can learn: the intents' descriptions (its instructions), routing rules, memory of
 *       earlier corrected requests and a trained linear head over the embeddings. Each of those is something
 *       Ratchet's loop changes, from captured traces, feedback, eval cases and training data.</li>
 *   <li>{@link dev.ratchet.reference.DeskCatalog} is the desk's sixteen intents: snake_case names, deliberately terse
 *       starting descriptions (topic labels such as "Card lost" or "Billing") and the phrasing material the
 *       generator draws on, with confusable intents on purpose. Matching requests against the descriptions alone
 *       gets about 60% right; a nearest neighbour among 1,000 labelled requests about 90%. That gap is the room
 *       the loop has to improve the agent.</li>
 *   <li>{@link dev.ratchet.reference.DeskTraffic} generates labelled requests from the catalog, seeded and
 *       deterministic, with optional noise (typos, casing, fillers, greetings and sign-offs, context sentences,
 *       slot values such as order numbers, amounts and dates), and writes {@code train.csv}/{@code test.csv}
 *       folders in the shape of Banking77, so a benchmark that takes such a folder runs on either.</li>
 *   <li>{@link dev.ratchet.reference.LabeledText} is one labelled request and {@link
 *       dev.ratchet.reference.LabeledTexts} reads and writes them as {@code text,category} CSV files, the one
 *       reader for Banking77 and generated data alike.</li>
 * </ul>
 *
 * Everything here runs offline: the encoder ships inside a jar and the traffic is generated, so tests and demos
 * need neither a key nor a download.
 */
package dev.ratchet.reference;
