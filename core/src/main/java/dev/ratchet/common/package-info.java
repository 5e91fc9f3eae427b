/**
 * What every capability shares and must share in one way only: the JSON mapper configuration
 * ({@link dev.ratchet.common.Json}), the id scheme ({@link dev.ratchet.common.Ids}) and the one error
 * type for bad input ({@link dev.ratchet.common.BadInputException}).
 */
package dev.ratchet.common;
