package dev.ratchet.project;

/** Who is calling: the project a key belongs to, the key's id (never the key) and its role. */
public record Principal(String projectId, String keyId, Role role) {

    public boolean isAdmin() {
        return role == Role.ADMIN;
    }
}
