package dev.rollbridge.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.rollbridge.json.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The web dashboard: plain HTML/CSS/JS from the jar, live data by Server-Sent Events from a
 * {@link DashboardFeed}, and commands from the page's buttons published to {@code <device>/set}.
 *
 * <p>What it accepts, from whom (docs/threat-model.md):
 * <ul>
 *   <li>Every request must name this server in {@code Host}: the address it listens on,
 *   {@code localhost} on loopback, or a configured name. A page on another site that rebinds its
 *   own name to 127.0.0.1 sends its own name, and gets nothing: no page, no config, no events.</li>
 *   <li>A command must come from the page itself: a POST with {@code Content-Type: application/json}
 *   (a plain form or a no-cors fetch cannot send that), an {@code Origin} that is this server, and
 *   the per-start secret the page read from {@code /api/config} (which another origin cannot read)
 *   in {@code X-Rollbridge-Csrf}. Beyond loopback the page is read-only unless a token is
 *   configured, and then every command carries it too ({@code X-Rollbridge-Token}).</li>
 *   <li>Every response forbids inline script and framing (Content-Security-Policy), so a value
 *   from MQTT that slips into the page cannot run.</li>
 *   <li>Bounded: at most {@value #MAX_THREADS} requests at once (others are closed), at most
 *   {@value #MAX_EVENT_STREAMS} open event streams, a request's headers within
 *   {@value #REQUEST_SECONDS} s, a command body within 16 kB.</li>
 * </ul>
 */
public final class DashboardServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DashboardServer.class);
    private static final Map<String, String> STATIC = Map.of(
            "/", "index.html", "/index.html", "index.html", "/app.js", "app.js", "/style.css", "style.css");
    static final int MAX_THREADS = 24;
    static final int MAX_EVENT_STREAMS = 8;
    static final int MAX_CONNECTIONS = 48;
    static final int REQUEST_SECONDS = 10;
    /** Messages a slow page may fall behind by before its stream is closed (it reconnects and catches up). */
    static final int STREAM_BACKLOG = 512;
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    static {
        // The JDK server reads these once, when its first instance is made: the dashboard sets them
        // first unless the JVM was given its own. maxReqTime closes a connection whose request
        // (headers) has not arrived in time, so slow sockets cannot hold the handler threads.
        setDefault("jdk.httpserver.maxConnections", Integer.toString(MAX_CONNECTIONS));
        setDefault("sun.net.httpserver.maxReqTime", Integer.toString(REQUEST_SECONDS));
        setDefault("sun.net.httpserver.maxReqHeaders", "64");
        setDefault("sun.net.httpserver.maxReqHeaderSize", Integer.toString(16 * 1024));
        setDefault("sun.net.httpserver.maxIdleConnections", "16");
    }

    private static void setDefault(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }

    /**
     * Where and how it listens.
     *
     * @param allowedHosts host names the page may be opened by besides the listening address
     */
    public record Options(String host, int port, Optional<String> token, List<String> allowedHosts) {
        public Options {
            allowedHosts = List.copyOf(allowedHosts);
        }
    }

    private final HttpServer http;
    private final DashboardFeed feed;
    private final String token;
    private final boolean readOnly;
    private final String csrf;
    private final Set<String> hostNames;
    private final ThreadPoolExecutor threads;
    private final AtomicInteger eventStreams = new AtomicInteger();
    private final AtomicLong refused = new AtomicLong();
    private volatile boolean running = true;

    private DashboardServer(HttpServer http, DashboardFeed feed, Options options, boolean readOnly, Set<String> hostNames,
                            ThreadPoolExecutor threads) {
        this.http = http;
        this.feed = feed;
        this.token = options.token().orElse(null);
        this.readOnly = readOnly;
        this.hostNames = hostNames;
        this.threads = threads;
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        this.csrf = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    /** On {@code host:port} with no token and no extra host names. */
    public static DashboardServer start(DashboardFeed feed, String host, int port, String token) throws IOException {
        return start(feed, new Options(host, port, Optional.ofNullable(token), List.of()));
    }

    /**
     * Starts on {@code host:port}; if that port is taken (or is 0), on a free one: {@link #url()}
     * tells which.
     */
    public static DashboardServer start(DashboardFeed feed, Options options) throws IOException {
        InetAddress address = InetAddress.getByName(options.host());
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress(address, options.port()), 16);
        } catch (BindException e) {
            log.warn("port {} on {} is taken; the dashboard uses a free port instead", options.port(), options.host());
            http = HttpServer.create(new InetSocketAddress(address, 0), 16);
        }
        ThreadPoolExecutor threads = new ThreadPoolExecutor(0, MAX_THREADS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "dashboard-http");
            t.setDaemon(true);
            return t;
        });
        // A request over the limit is refused at once: the JDK server then closes its connection.
        threads.setRejectedExecutionHandler(new ThreadPoolExecutor.AbortPolicy());
        DashboardServer server = new DashboardServer(http, feed, options, !commandsAllowed(address, options.token().orElse(null)),
                hostNames(address, options.allowedHosts()), threads);
        if (server.readOnly) {
            log.warn("the dashboard listens on {} without a token: it is read-only", options.host());
        }
        http.setExecutor(threads);
        http.createContext("/", server::serve);
        http.start();
        return server;
    }

    /** Commands are allowed from a page on loopback, or with a token wherever it listens. */
    static boolean commandsAllowed(InetAddress listen, String token) {
        return listen.isLoopbackAddress() || token != null;
    }

    /**
     * The names a browser may use for this server: its own address (on 0.0.0.0, every address of
     * this machine), {@code localhost} when loopback is reachable, and the configured names.
     */
    static Set<String> hostNames(InetAddress listen, List<String> configured) {
        Set<String> names = new HashSet<>();
        configured.forEach(n -> names.add(n.toLowerCase(Locale.ROOT)));
        List<InetAddress> addresses = new ArrayList<>();
        if (listen.isAnyLocalAddress()) {
            try {
                for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                    addresses.addAll(Collections.list(ni.getInetAddresses()));
                }
            } catch (SocketException e) {
                log.warn("cannot list this machine's addresses ({}); the dashboard answers only to loopback and configured names",
                        e.getMessage());
            }
            addresses.add(InetAddress.getLoopbackAddress());
        } else {
            addresses.add(listen);
        }
        for (InetAddress a : addresses) {
            names.add(literal(a));
            if (a.isLoopbackAddress()) {
                names.add("localhost");
                names.add("127.0.0.1");
                names.add("[::1]");
            }
        }
        return Set.copyOf(names);
    }

    private static String literal(InetAddress a) {
        if (a instanceof Inet6Address v6) {
            String text = v6.getHostAddress();
            int zone = text.indexOf('%');
            return "[" + (zone < 0 ? text : text.substring(0, zone)) + "]";
        }
        return a.getHostAddress();
    }

    public String url() {
        InetSocketAddress a = http.getAddress();
        String host = a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : literal(a.getAddress());
        return "http://" + host + ":" + a.getPort() + "/";
    }

    public int port() {
        return http.getAddress().getPort();
    }

    /** Requests refused for a foreign Host, Origin, secret or content type. */
    public long refusedCount() {
        return refused.get();
    }

    private void serve(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            Headers h = ex.getResponseHeaders();
            h.add("X-Content-Type-Options", "nosniff");
            h.add("Content-Security-Policy", CONTENT_SECURITY_POLICY);
            h.add("X-Frame-Options", "DENY");
            h.add("Referrer-Policy", "no-referrer");
            h.add("Cross-Origin-Resource-Policy", "same-origin");
            Optional<String> host = ownHost(ex);
            if (host.isEmpty()) {
                refuse(ex, 421, "this dashboard does not answer to that host name (add it to dashboard.allowed_hosts to open "
                        + "the page by it)");
                return;
            }
            String method = ex.getRequestMethod();
            if (path.equals("/events") && method.equals("GET")) {
                events(ex);
            } else if (path.equals("/api/config") && method.equals("GET")) {
                h.add("Cache-Control", "no-store");
                send(ex, 200, "application/json", Json.write(JsonNodeFactory.instance.objectNode().put("base", feed.topics().base())
                        .put("read_only", readOnly).put("token_required", token != null).put("csrf", csrf)));
            } else if (path.equals("/api/command")) {
                command(ex, host.get());
            } else if (STATIC.containsKey(path) && method.equals("GET")) {
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
                send(ex, 404, "text/plain", "not found");
            }
        } catch (RuntimeException | StackOverflowError e) {
            // One bad request must not cost more than its own connection.
            log.warn("the dashboard failed on a request: {}", e.toString());
        }
    }

    /** The request's {@code Host} when it names this server (name and port), else empty. */
    private Optional<String> ownHost(HttpExchange ex) {
        List<String> values = ex.getRequestHeaders().get("Host");
        if (values == null || values.size() != 1) {
            return Optional.empty();
        }
        String value = values.get(0).strip().toLowerCase(Locale.ROOT);
        String name = value;
        int port = 80;
        int colon = value.lastIndexOf(':');
        if (colon > value.lastIndexOf(']')) {
            name = value.substring(0, colon);
            try {
                port = Integer.parseInt(value.substring(colon + 1));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        return hostNames.contains(name) && port == port() ? Optional.of(value) : Optional.empty();
    }

    private void command(HttpExchange ex, String host) throws IOException {
        Headers in = ex.getRequestHeaders();
        if (!ex.getRequestMethod().equals("POST")) {
            send(ex, 405, "application/json", error("use POST"));
            return;
        }
        String type = Optional.ofNullable(in.getFirst("Content-Type")).orElse("").toLowerCase(Locale.ROOT);
        if (!type.equals("application/json") && !type.startsWith("application/json;")) {
            refuse(ex, 415, "commands are JSON: Content-Type must be application/json");
            return;
        }
        if (!("http://" + host).equals(in.getFirst("Origin"))) {
            refuse(ex, 403, "commands are accepted from this dashboard's own page only");
            return;
        }
        if (!constantTimeEquals(csrf, in.getFirst("X-Rollbridge-Csrf"))) {
            refuse(ex, 403, "the page's session key is missing or stale: reload the page");
            return;
        }
        if (readOnly) {
            send(ex, 403, "application/json", error("the dashboard is read-only: set a token to send commands from beyond 127.0.0.1"));
            return;
        }
        if (token != null && !constantTimeEquals(token, in.getFirst("X-Rollbridge-Token"))) {
            refuse(ex, 403, "a valid token is required");
            return;
        }
        JsonNode body;
        try {
            byte[] bytes = ex.getRequestBody().readNBytes(16 * 1024 + 1);
            if (bytes.length > 16 * 1024) {
                send(ex, 413, "application/json", error("a command is at most 16 kB"));
                return;
            }
            body = Json.read(bytes, 8);
        } catch (IOException e) {
            send(ex, 400, "application/json", error("invalid JSON"));
            return;
        }
        String device = body == null ? "" : body.path("device").asText("");
        JsonNode command = body == null ? null : body.get("command");
        if (!device.matches("[a-z0-9][a-z0-9_-]{0,63}") || command == null || !command.isObject()) {
            send(ex, 400, "application/json", error("expected {\"device\":\"rollsense_…\",\"command\":{…}}"));
            return;
        }
        if (!feed.knows(device)) {
            send(ex, 404, "application/json", error("no device '" + device + "' in the bridge's bridge/info"));
            return;
        }
        try {
            feed.command(device, command);
            send(ex, 202, "application/json", Json.write(JsonNodeFactory.instance.objectNode().put("ok", true)));
        } catch (Exception e) {
            send(ex, 503, "application/json", error("broker not reachable: " + e.getMessage()));
        }
    }

    private void refuse(HttpExchange ex, int status, String why) throws IOException {
        long n = refused.incrementAndGet();
        if (n <= 3 || n % 100 == 0) {
            log.warn("dashboard: refused {} {} from {} ({} so far): {}", ex.getRequestMethod(), Json.excerpt(ex.getRequestURI().getPath(), 60),
                    ex.getRemoteAddress().getAddress().getHostAddress(), n, why);
        }
        send(ex, status, "application/json", error(why));
    }

    private void events(HttpExchange ex) throws IOException {
        if (eventStreams.incrementAndGet() > MAX_EVENT_STREAMS) {
            eventStreams.decrementAndGet();
            ex.getResponseHeaders().add("Retry-After", "10");
            send(ex, 503, "text/plain", "too many open dashboards (" + MAX_EVENT_STREAMS + "); close one");
            return;
        }
        BlockingQueue<String> queue = new ArrayBlockingQueue<>(STREAM_BACKLOG);
        AtomicInteger overflow = new AtomicInteger();
        Consumer<String> listener = line -> {
            if (!queue.offer(line)) {
                overflow.incrementAndGet();
            }
        };
        try {
            ex.getResponseHeaders().add("Content-Type", "text/event-stream");
            ex.getResponseHeaders().add("Cache-Control", "no-store");
            ex.sendResponseHeaders(200, 0);
            feed.listen(listener);
            OutputStream out = ex.getResponseBody();
            for (String line : feed.snapshot()) {
                write(out, line);
            }
            out.flush();
            // A page that falls too far behind is dropped: its browser reconnects and starts from a fresh snapshot.
            while (running && overflow.get() == 0) {
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
            eventStreams.decrementAndGet();
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
