package dev.ratchet.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ratchet.common.BadInputException;
import dev.ratchet.common.Json;
import dev.ratchet.common.NotFoundException;
import dev.ratchet.dataset.Build;
import dev.ratchet.dataset.DatasetBuilds;
import dev.ratchet.dataset.DatasetDiff;
import dev.ratchet.dataset.DatasetSpecs;
import dev.ratchet.dataset.ExportFormat;
import dev.ratchet.dataset.Manifest;
import dev.ratchet.dataset.RedactionSettings;
import dev.ratchet.feedback.ProjectSettings;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Datasets over HTTP: {@code POST /api/v1/datasets} queues a build of a spec (JSON, or YAML with a YAML content type)
 * and answers 202 with the build, whose progress {@code GET /api/v1/datasets/builds/{id}} reports; versions are
 * listed, their manifests read, their files downloaded and two versions compared. The project's own redaction
 * patterns are a setting. Always the caller's project; a bad spec or an empty selection is a 400 before anything is
 * queued.
 */
public final class DatasetRoutes {

    private static final long MAX_SPEC = 1024 * 1024;

    private final DatasetBuilds builds;
    private final ProjectSettings settings;

    public DatasetRoutes(DatasetBuilds builds, ProjectSettings settings) {
        this.builds = builds;
        this.settings = settings;
    }

    public void create(Context ctx) {
        String project = Auth.principal(ctx).projectId();
        byte[] body = Bodies.read(ctx, MAX_SPEC);
        String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
        Build b;
        if (type.contains("yaml")) {
            b = builds.submit(project, new String(body, StandardCharsets.UTF_8));
        } else {
            b = builds.submit(project, DatasetSpecs.of(Bodies.json(body)));
        }
        ctx.status(202).header("Location", "/api/v1/datasets/builds/" + b.id()).json(b);
    }

    public void build(Context ctx) {
        ctx.json(builds.get(Auth.principal(ctx).projectId(), ctx.pathParam("id")));
    }

    public void listBuilds(Context ctx) {
        ctx.json(Map.of("items", builds.list(Auth.principal(ctx).projectId(), limit(ctx))));
    }

    public void list(Context ctx) {
        String name = ctx.queryParam("name");
        ctx.json(Map.of("items", builds.store().versions(Auth.principal(ctx).projectId(),
                name == null || name.isBlank() ? null : name, limit(ctx))));
    }

    public void get(Context ctx) {
        ctx.json(manifest(ctx, ctx.pathParam("id")));
    }

    public void file(Context ctx) {
        String project = Auth.principal(ctx).projectId();
        String id = ctx.pathParam("id");
        String name = ctx.pathParam("name");
        Manifest m = manifest(ctx, id);
        Path p = builds.pipeline().file(project, id, name);
        String type = name.endsWith(".json") ? "application/json" : name.endsWith(".csv") ? "text/csv; charset=utf-8"
                : ExportFormat.OPENAI_CHAT.mediaType();
        m.files().stream().filter(f -> f.name().equals(name)).findFirst()
                .ifPresent(f -> ctx.header("X-Content-SHA256", f.sha256()));
        try {
            ctx.header("Content-Disposition", "attachment; filename=\"" + name + "\"")
                    .header("Content-Length", Long.toString(Files.size(p)))
                    .contentType(type)
                    .result(Files.newInputStream(p));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void diff(Context ctx) {
        String project = Auth.principal(ctx).projectId();
        ctx.json(DatasetDiff.of(builds.store(), builds.pipeline(), project, ctx.pathParam("a"), ctx.pathParam("b")));
    }

    public void getRedaction(Context ctx) {
        ctx.json(RedactionSettings.read(settings, Auth.principal(ctx).projectId()));
    }

    public void putRedaction(Context ctx) {
        JsonNode body = Bodies.json(Bodies.read(ctx, MAX_SPEC));
        RedactionSettings value;
        try {
            value = Json.MAPPER.treeToValue(body, RedactionSettings.class);
        } catch (JsonProcessingException e) {
            throw new BadInputException("$", "expected {\"custom\":[{\"type\":\"ORDER_ID\",\"pattern\":\"...\"}]}: "
                    + e.getOriginalMessage());
        }
        ctx.json(RedactionSettings.write(settings, Auth.principal(ctx).projectId(), value));
    }

    private Manifest manifest(Context ctx, String id) {
        return builds.store().manifest(Auth.principal(ctx).projectId(), id)
                .orElseThrow(() -> new NotFoundException("dataset version", id));
    }

    private static int limit(Context ctx) {
        int limit = TraceRoutes.intParam(ctx, "limit", 100);
        if (limit < 1 || limit > 1000) {
            throw new BadInputException("limit", "must be between 1 and 1000");
        }
        return limit;
    }
}
