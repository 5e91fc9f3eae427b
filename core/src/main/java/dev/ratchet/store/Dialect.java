package dev.ratchet.store;

/** The database engines Ratchet runs on. SQL is shared; the few differences are methods here. */
public enum Dialect {
    SQLITE("sqlite"),
    POSTGRESQL("postgresql");

    private final String migrationFolder;

    Dialect(String migrationFolder) {
        this.migrationFolder = migrationFolder;
    }

    String migrationLocation() {
        return "classpath:db/migration/" + migrationFolder;
    }

    /** The engine a JDBC URL names; anything else is refused, naming the field the URL came from. */
    static Dialect ofJdbcUrl(String url) {
        if (url.startsWith("jdbc:sqlite:")) {
            return SQLITE;
        }
        if (url.startsWith("jdbc:postgresql:")) {
            return POSTGRESQL;
        }
        throw new dev.ratchet.common.BadInputException("db-url",
                "unsupported JDBC URL; use jdbc:postgresql://host:port/db?user=..&password=.. or jdbc:sqlite:/path/file.db");
    }
}
