package dev.ratchet.common;

/**
 * A well-formed request for something that does not exist in the caller's project. Deliberately the
 * same answer whether the thing is absent or belongs to another project, so that ids of other
 * projects cannot be probed.
 */
public final class NotFoundException extends RuntimeException {

    public NotFoundException(String what, String id) {
        super(what + " '" + id + "' not found");
    }
}
