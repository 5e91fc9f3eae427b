package dev.ratchet.server.http;

import dev.ratchet.common.NotFoundException;
import dev.ratchet.release.Artifact;
import dev.ratchet.release.Artifacts;
import io.javalin.http.Context;

/**
 * Content-addressed artifacts, the bytes agent versions name by SHA-256 ({@link Artifacts}): store some
 * ({@code POST /api/v1/artifacts}, the body as it is, its {@code Content-Type} kept) and read them back by hash.
 * Always the key's project.
 */
public final class ArtifactRoutes {

    private final Artifacts artifacts;
    private final long maxBody;

    /** @param maxBody the largest body the server takes; the upload limit is the smaller of it and 64 MiB */
    public ArtifactRoutes(Artifacts artifacts, long maxBody) {
        this.artifacts = artifacts;
        this.maxBody = Math.min(maxBody, Artifacts.MAX_BYTES);
    }

    /** 201 {@code {"hash", "mediaType", "size", "createdAt"}}; the same when the bytes were stored before. */
    public void put(Context ctx) {
        String project = Auth.principal(ctx).projectId();
        byte[] bytes = Bodies.read(ctx, maxBody);
        String hash = artifacts.put(project, ctx.header("Content-Type"), bytes);
        Artifact a = artifacts.info(project, hash).orElseThrow();
        ctx.status(201).header("Location", "/api/v1/artifacts/" + hash).json(a);
    }

    /** The bytes with their media type and {@code X-Content-SHA256}; 404 when absent, 400 for a malformed hash. */
    public void get(Context ctx) {
        String project = Auth.principal(ctx).projectId();
        String hash = ctx.pathParam("hash");
        Artifact a = artifacts.info(project, hash).orElseThrow(() -> new NotFoundException("artifact", hash));
        byte[] bytes = artifacts.get(project, hash).orElseThrow(() -> new NotFoundException("artifact", hash));
        ctx.header("X-Content-SHA256", a.hash())
                .header("ETag", "\"" + a.hash() + "\"")
                .header("Cache-Control", "private, max-age=31536000, immutable")
                .contentType(a.mediaType())
                .result(bytes);
    }
}
