package dev.rollbridge.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.rollbridge.json.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The web dashboard: plain HTML/CSS/JS from the jar, live data by Server-Sent Events from a
 * {@link DashboardFeed}, and commands from the page's buttons published to {@code <device>/set}.
 *
 * <p>Commands: allowed from a page served on loopback; when the server listens beyond
 * 127.0.0.1 the page is read-only unless a token is configured, and then every command must carry
 * it ({@code X-Rollbridge-Token}).
 */
public final class DashboardServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DashboardServer.class);
    private static final Map<String, String> STATIC = Map.of(
            "/", "index.html", "/index.html", "index.html", "/app.js", "app.js", "/style.css", "style.css");

    private final HttpServer http;
    private final DashboardFeed feed;
    private final String token;
    private final boolean readOnly;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "dashboard-http");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean running = true;

    private DashboardServer(HttpServer http, DashboardFeed feed, String token, boolean readOnly) {
        this.http = http;
        this.feed = feed;
        this.token = token;
        this.readOnly = readOnly;
    }

    /**
     * Starts on {@code host:port}; if that port is taken (or is 0), on a free one: {@link #url()}
     * tells which. {@code token} may be null.
     */
    public static DashboardServer start(DashboardFeed feed, String host, int port, String token) throws IOException {
        InetAddress address = InetAddress.getByName(host);
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress(address, port), 16);
        } catch (BindException e) {
            log.warn("port {} on {} is taken; the dashboard uses a free port instead", port, host);
            http = HttpServer.create(new InetSocketAddress(address, 0), 16);
        }
        DashboardServer server = new DashboardServer(http, feed, token, !commandsAllowed(address, token));
        if (server.readOnly) {
            log.warn("the dashboard listens on {} without a token: it is read-only", host);
        }
        http.setExecutor(server.threads);
        http.createContext("/", server::serve);
        http.start();
        return server;
    }

    /** Commands are allowed from a page on loopback, or with a token wherever it listens. */
    static boolean commandsAllowed(InetAddress listen, String token) {
        return listen.isLoopbackAddress() || token != null;
    }

    public String url() {
        InetSocketAddress a = http.getAddress();
        String host = a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getAddress().getHostAddress();
        return "http://" + host + ":" + a.getPort() + "/";
    }

    public int port() {
        return http.getAddress().getPort();
    }

    private void serve(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            ex.getResponseHeaders().add("X-Content-Type-Options", "nosniff");
            if (path.equals("/events") && ex.getRequestMethod().equals("GET")) {
                events(ex);
            } else if (path.equals("/api/config") && ex.getRequestMethod().equals("GET")) {
                send(ex, 200, "application/json", Json.write(JsonNodeFactory.instance.objectNode().put("base", feed.topics().base())
                        .put("read_only", readOnly).put("token_required", token != null)));
            } else if (path.equals("/api/command")) {
                command(ex);
            } else if (STATIC.containsKey(path) && ex.getRequestMethod().equals("GET")) {
                String name = STATIC.get(path);
                try (InputStream in = DashboardServer.class.getResourceAsStream("/dashboard/" + name)) {
                    if (in == null) {
                        send(ex, 500, "text/plain", "missing resource " + name);
                        return;
                    }
                    String type = name.endsWith(".js") ? "text/javascript" : name.endsWith(".css") ? "text/css" : "text/html";
                    send(ex, 200, type + "; charset=utf-8", new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
            } else {
                send(ex, 404, "text/plain", "not found: " + path);
            }
        }
    }

    private void command(HttpExchange ex) throws IOException {
        if (!ex.getRequestMethod().equals("POST")) {
            send(ex, 405, "application/json", error("use POST"));
            return;
        }
        if (readOnly) {
            send(ex, 403, "application/json", error("the dashboard is read-only: set a token to send commands from beyond 127.0.0.1"));
            return;
        }
        if (token != null && !constantTimeEquals(token, ex.getRequestHeaders().getFirst("X-Rollbridge-Token"))) {
            send(ex, 403, "application/json", error("a valid token is required"));
            return;
        }
        JsonNode body;
        try {
            body = Json.read(ex.getRequestBody().readNBytes(16 * 1024));
        } catch (IOException e) {
            send(ex, 400, "application/json", error("invalid JSON"));
            return;
        }
        String device = body == null ? "" : body.path("device").asText("");
        JsonNode command = body == null ? null : body.get("command");
        if (!device.matches("[a-z0-9_]{1,64}") || command == null || !command.isObject()) {
            send(ex, 400, "application/json", error("expected {\"device\":\"rollsense_…\",\"command\":{…}}"));
            return;
        }
        try {
            feed.command(device, command);
            send(ex, 202, "application/json", Json.write(JsonNodeFactory.instance.objectNode().put("ok", true)));
        } catch (Exception e) {
            send(ex, 503, "application/json", error("broker not reachable: " + e.getMessage()));
        }
    }

    private void events(HttpExchange ex) throws IOException {
        ex.getResponseHeaders().add("Content-Type", "text/event-stream");
        ex.getResponseHeaders().add("Cache-Control", "no-cache");
        ex.sendResponseHeaders(200, 0);
        BlockingQueue<String> queue = new LinkedBlockingQueue<>(10_000);
        Consumer<String> listener = queue::offer;
        feed.listen(listener);
        OutputStream out = ex.getResponseBody();
        try {
            for (String line : feed.snapshot()) {
                write(out, line);
            }
            out.flush();
            while (running) {
                String line = queue.poll(15, TimeUnit.SECONDS);
                if (line == null) {
                    out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
                } else {
                    write(out, line);
                }
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // The page went away.
        } finally {
            feed.unlisten(listener);
        }
    }

    private static void write(OutputStream out, String json) throws IOException {
        out.write(("data: " + json + "\n\n").getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    private static String error(String message) {
        return Json.write(JsonNodeFactory.instance.objectNode().put("ok", false).put("error", message));
    }

    private static boolean constantTimeEquals(String expected, String given) {
        return given != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        running = false;
        http.stop(0);
        threads.shutdownNow();
    }
}
