package dev.ratchet.project;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What a key may do: members read and write their project's data; admins also manage projects and keys. */
public enum Role {
    MEMBER, ADMIN;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
