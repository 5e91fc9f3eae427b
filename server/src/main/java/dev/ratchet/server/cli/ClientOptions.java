package dev.ratchet.server.cli;

import dev.ratchet.server.Credentials;
import dev.ratchet.server.ServerConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the server is and which key to use; shared by every client command. */
final class ClientOptions {

    @Option(names = "--url", description = "Server URL (default: $RATCHET_URL, else the data dir's endpoint file, else http://localhost:" + ServerConfig.DEFAULT_PORT + ")")
    String url;

    @Option(names = "--key", description = "API key (default: $RATCHET_API_KEY, else the data dir's credentials file)")
    String key;

    @Option(names = "--data-dir", description = "Data directory of a local server, to find its URL and key (default: ${DEFAULT-VALUE})",
            defaultValue = "${env:RATCHET_DATA_DIR:-data}")
    Path dataDir;

    ApiClient client() {
        String resolvedUrl = firstNonBlank(url, System.getenv("RATCHET_URL"),
                Credentials.readEndpoint(dataDir).orElse(null), "http://localhost:" + ServerConfig.DEFAULT_PORT);
        String resolvedKey = firstNonBlank(key, System.getenv("RATCHET_API_KEY"),
                Credentials.readKey(dataDir).orElse(null));
        if (resolvedKey == null) {
            throw new CliException("no API key: pass --key, set RATCHET_API_KEY, or point --data-dir at the server's data directory");
        }
        return new ApiClient(resolvedUrl, resolvedKey);
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }
}
