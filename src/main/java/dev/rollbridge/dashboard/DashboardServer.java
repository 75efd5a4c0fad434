package dev.rollbridge.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.rollbridge.json.Json;
import dev.rollbridge.login.LoginThrottle;
import dev.rollbridge.login.PasswordHash;
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
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
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
 *   <li>Every request must name this server in {@code Host}: the address it listens on (on
 *   0.0.0.0, any address of this machine, its host name and {@code <host name>.local}),
 *   {@code localhost} on loopback, or a configured name; and the port it listens on. A page on
 *   another site that rebinds its own name to 127.0.0.1 sends its own name, and gets nothing: no
 *   page, no config, no events.</li>
 *   <li>A command must come from the page itself: a POST with {@code Content-Type: application/json}
 *   (a plain form or a no-cors fetch cannot send that), an {@code Origin} that is this server, and
 *   the per-start secret the page read from {@code /api/config} (which another origin cannot read)
 *   in {@code X-Rollbridge-Csrf}. Beyond loopback the page is read-only unless a token is
 *   configured, and then every command carries it too ({@code X-Rollbridge-Token}).</li>
 *   <li>With a login (LAN mode): nothing but the login page answers without a session. The
 *   password (its salted hash in the configuration) is posted as JSON by the page itself, wrong ones
 *   throttled per client ({@link LoginThrottle}); the session is a random 256-bit id in
 *   an {@code HttpOnly}, {@code SameSite=Strict} cookie, kept in memory (at most
 *   {@value #MAX_SESSIONS}, 30 days), ended by logging out, which also closes its event streams.
 *   A logged-in page may send commands (with the secret above) whether or not a token is set.</li>
 *   <li>Every response forbids inline script and framing (Content-Security-Policy), so a value
 *   from MQTT that slips into the page cannot run.</li>
 *   <li>Bounded ({@link WebServer}): at most {@value #MAX_CONNECTIONS} connections, at most
 *   {@value #MAX_EVENT_STREAMS} open event streams, a request within {@value #REQUEST_SECONDS} s,
 *   a command within 16 kB, a stream that falls {@value #STREAM_BACKLOG_BYTES} bytes behind or
 *   stops being read for {@value #WRITE_SECONDS} s closed (the browser reconnects).</li>
 * </ul>
 */
public final class DashboardServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DashboardServer.class);
    private static final Map<String, String> STATIC = Map.of(
            "/", "index.html", "/index.html", "index.html", "/app.js", "app.js", "/style.css", "style.css",
            "/login", "login.html", "/login.js", "login.js");
    /** What a browser without a session may fetch when a login is required: the login page and its parts. */
    private static final Set<String> OPEN_PATHS = Set.of("/login", "/login.js", "/style.css", "/api/login");
    static final String SESSION_COOKIE = "rollbridge_session";
    /** A phone used daily stays logged in for a month; a restart of the daemon logs everyone out. */
    static final Duration SESSION_LIFETIME = Duration.ofDays(30);
    static final int MAX_SESSIONS = 64;
    static final int MAX_CONNECTIONS = 32;
    static final int MAX_EVENT_STREAMS = 8;
    static final int REQUEST_SECONDS = 10;
    static final int WRITE_SECONDS = 20;
    /** How far (in bytes of messages) a slow page may fall behind before its stream is closed. */
    static final int STREAM_BACKLOG_BYTES = 256 * 1024;
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    private static final Map<String, String> SECURITY_HEADERS = Map.of(
            "X-Content-Type-Options", "nosniff",
            "Content-Security-Policy", CONTENT_SECURITY_POLICY,
            "X-Frame-Options", "DENY",
            "Referrer-Policy", "no-referrer",
            "Cross-Origin-Resource-Policy", "same-origin",
            "Cache-Control", "no-store");
    private static final WebServer.Limits LIMITS = new WebServer.Limits(MAX_CONNECTIONS, 16 * 1024, 64, 16 * 1024,
            Duration.ofSeconds(REQUEST_SECONDS), Duration.ofSeconds(WRITE_SECONDS));

    /**
     * Where and how it listens.
     *
     * @param allowedHosts host names the page may be opened by besides the listening address
     */
    public record Options(String host, int port, Optional<String> token, List<String> allowedHosts, Optional<PasswordHash> login) {
        public Options {
            allowedHosts = List.copyOf(allowedHosts);
        }

        /** Without a login. */
        public Options(String host, int port, Optional<String> token, List<String> allowedHosts) {
            this(host, port, token, allowedHosts, Optional.empty());
        }

        /** Never the token: options end up in logs and exception messages. */
        @Override
        public String toString() {
            return "Options[host=" + host + ", port=" + port + ", token=" + token.map(t -> "<redacted>").orElse("none")
                    + ", allowedHosts=" + allowedHosts + ", login=" + login.isPresent() + "]";
        }
    }

    private final WebServer http;
    private final DashboardFeed feed;
    private final InetAddress listen;
    private final List<String> configuredHosts;
    private final String token;
    private final PasswordHash login;
    private final LoginThrottle throttle = new LoginThrottle();
    private final Object loginLock = new Object();
    /** SHA-256 of each session id (so a lookup's timing tells nothing of an id) to its end, in nanoTime. */
    private final Map<String, Long> sessions = new ConcurrentHashMap<>();
    private final boolean readOnly;
    private final String csrf;
    private volatile Set<String> hostNames;
    private volatile long hostNamesAt;
    private final AtomicInteger eventStreams = new AtomicInteger();
    private final AtomicLong refused = new AtomicLong();
    private final SecureRandom random = new SecureRandom();
    private volatile boolean running = true;

    private DashboardServer(DashboardFeed feed, Options options, InetAddress listen) throws IOException {
        this.feed = feed;
        this.listen = listen;
        this.configuredHosts = options.allowedHosts();
        this.token = options.token().orElse(null);
        this.login = options.login().orElse(null);
        this.readOnly = !commandsAllowed(listen, token) && login == null;
        this.hostNames = hostNames(listen, configuredHosts);
        this.hostNamesAt = System.nanoTime();
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        this.csrf = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        WebServer server;
        try {
            server = WebServer.start(new InetSocketAddress(listen, options.port()), LIMITS, this::serve);
        } catch (BindException e) {
            log.warn("port {} on {} is taken; the dashboard uses a free port instead", options.port(), options.host());
            server = WebServer.start(new InetSocketAddress(listen, 0), LIMITS, this::serve);
        }
        this.http = server;
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
        DashboardServer server = new DashboardServer(feed, options, InetAddress.getByName(options.host()));
        if (server.readOnly) {
            log.warn("the dashboard listens on {} without a login: anyone who can reach it reads it, and it is read-only "
                    + "(LAN mode gives it a login: sudo rollbridge lan on)", options.host());
        }
        return server;
    }

    /** Commands are allowed from a page on loopback, or with a token wherever it listens. */
    static boolean commandsAllowed(InetAddress listen, String token) {
        return listen.isLoopbackAddress() || token != null;
    }

    /**
     * The names a browser may use for this server: its own address (on 0.0.0.0, every address of
     * this machine, with its host name and {@code <host name>.local}), {@code localhost} when
     * loopback is reachable, and the configured names.
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
        if (!listen.isLoopbackAddress()) {
            // Reached from the LAN, the machine is opened by its name (DHCP or mDNS): a name no other site can send.
            try {
                String name = InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
                if (!name.isEmpty() && !name.equals("localhost")) {
                    names.add(name);
                    names.add(name.contains(".") ? name : name + ".local");
                }
            } catch (IOException e) {
                log.debug("no host name: {}", e.getMessage());
            }
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
        InetSocketAddress a = http.address();
        String host = a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : literal(a.getAddress());
        return "http://" + host + ":" + a.getPort() + "/";
    }

    public int port() {
        return http.address().getPort();
    }

    /** Requests refused for a foreign Host, Origin, secret or content type. */
    public long refusedCount() {
        return refused.get();
    }

    private void serve(WebServer.Request request, WebServer.Response response) throws IOException {
        String path = request.path();
        Optional<String> host = ownHost(request);
        if (host.isEmpty()) {
            refuse(request, response, 421, "this dashboard does not answer to that host name (add it to dashboard.allowed_hosts "
                    + "to open the page by it)");
            return;
        }
        String method = request.method();
        String session = login == null ? null : session(request).orElse(null);
        if (login != null && session == null && !OPEN_PATHS.contains(path)) {
            if (method.equals("GET") && (path.equals("/") || path.equals("/index.html"))) {
                Map<String, String> headers = new LinkedHashMap<>(SECURITY_HEADERS);
                headers.put("Location", "/login");
                response.send(303, "text/plain", "log in: /login\n".getBytes(StandardCharsets.UTF_8), headers);
            } else {
                send(response, 401, "application/json", error("log in first: /login"));
            }
            return;
        }
        if (path.equals("/events") && method.equals("GET")) {
            events(response, session);
        } else if (path.equals("/api/config") && method.equals("GET")) {
            send(response, 200, "application/json", Json.write(JsonNodeFactory.instance.objectNode().put("base", feed.topics().base())
                    .put("read_only", readOnly).put("token_required", token != null && login == null).put("login", login != null)
                    .put("csrf", csrf)));
        } else if (path.equals("/api/login")) {
            login(request, response, host.get());
        } else if (path.equals("/api/logout")) {
            logout(request, response, host.get(), session);
        } else if (path.equals("/api/command")) {
            command(request, response, host.get(), session != null);
        } else if (STATIC.containsKey(path) && method.equals("GET")) {
            String name = STATIC.get(path);
            try (InputStream in = DashboardServer.class.getResourceAsStream("/dashboard/" + name)) {
                if (in == null) {
                    send(response, 500, "text/plain", "missing resource " + name);
                    return;
                }
                if (name.equals("login.html") && (login == null || session != null)) {
                    Map<String, String> headers = new LinkedHashMap<>(SECURITY_HEADERS);
                    headers.put("Location", "/");
                    response.send(303, "text/plain", "the dashboard: /\n".getBytes(StandardCharsets.UTF_8), headers);
                    return;
                }
                String type = name.endsWith(".js") ? "text/javascript" : name.endsWith(".css") ? "text/css" : "text/html";
                send(response, 200, type + "; charset=utf-8", new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        } else {
            send(response, 404, "text/plain", "not found");
        }
    }

    /** The request's {@code Host} when it names this server (name and port), else empty. */
    private Optional<String> ownHost(WebServer.Request request) {
        Optional<String> header = request.header("host");
        if (header.isEmpty()) {
            return Optional.empty();
        }
        String value = header.get().toLowerCase(Locale.ROOT);
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
        if (name.matches("\\[[0-9a-f:.]{2,45}]")) {
            // An IPv6 literal in any of its spellings ([fd00::2], [fd00:0:0:0:0:0:0:2]) is the same address.
            try {
                name = literal(InetAddress.getByName(name.substring(1, name.length() - 1)));
            } catch (IOException e) {
                return Optional.empty();
            }
        }
        return port == request.localPort() && currentHostNames().contains(name) ? Optional.of(value) : Optional.empty();
    }

    /** On 0.0.0.0 the machine's addresses can change (DHCP): the names are looked up again every minute. */
    private Set<String> currentHostNames() {
        if (listen.isAnyLocalAddress() && System.nanoTime() - hostNamesAt > TimeUnit.MINUTES.toNanos(1)) {
            hostNamesAt = System.nanoTime();
            hostNames = hostNames(listen, configuredHosts);
        }
        return hostNames;
    }

    /**
     * A POST of JSON from this server's own page (a form or a page of another site cannot send one),
     * else answered here and false.
     */
    private boolean fromOwnPage(WebServer.Request request, WebServer.Response response, String host, String what) throws IOException {
        if (!request.method().equals("POST")) {
            send(response, 405, "application/json", error("use POST"));
            return false;
        }
        String type = request.header("content-type").orElse("").toLowerCase(Locale.ROOT);
        if (!type.equals("application/json") && !type.startsWith("application/json;")) {
            refuse(request, response, 415, what + " JSON: Content-Type must be application/json");
            return false;
        }
        if (!("http://" + host).equals(request.header("origin").orElse(null))) {
            refuse(request, response, 403, what + " accepted from this dashboard's own page only");
            return false;
        }
        return true;
    }

    /** The password in, a session cookie out; wrong passwords are throttled per address and overall. */
    private void login(WebServer.Request request, WebServer.Response response, String host) throws IOException {
        if (login == null) {
            send(response, 404, "application/json", error("this dashboard has no login"));
            return;
        }
        if (!fromOwnPage(request, response, host, "logins are")) {
            return;
        }
        JsonNode body;
        try {
            body = Json.read(request.body(), 4);
        } catch (IOException e) {
            body = null;
        }
        JsonNode password = body == null ? null : body.get("password");
        if (password == null || !password.isTextual()) {
            send(response, 400, "application/json", error("expected {\"password\":\"…\"}"));
            return;
        }
        String client = WebServer.clientKey(request.remote());
        boolean right;
        synchronized (loginLock) {
            // One at a time, so parallel guesses from one client cannot slip past its count.
            Optional<Duration> wait = throttle.waitFor(client);
            if (wait.isPresent()) {
                long seconds = Math.max(1, (wait.get().toMillis() + 999) / 1000);
                Map<String, String> headers = new LinkedHashMap<>(SECURITY_HEADERS);
                headers.put("Retry-After", Long.toString(seconds));
                response.send(429, "application/json", Json.write(JsonNodeFactory.instance.objectNode().put("ok", false)
                        .put("error", "too many wrong passwords: try again in " + seconds + " s").put("retry_after_s", seconds))
                        .getBytes(StandardCharsets.UTF_8), headers);
                return;
            }
            char[] given = password.asText().toCharArray();
            right = login.matches(given);
            Arrays.fill(given, '\0');
            if (right) {
                throttle.succeeded(client);
            } else {
                throttle.failed(client);
            }
        }
        if (!right) {
            refuse(request, response, 403, "wrong password");
            return;
        }
        byte[] id = new byte[32];
        random.nextBytes(id);
        String session = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
        long now = System.nanoTime();
        sessions.values().removeIf(end -> end - now < 0);
        while (sessions.size() >= MAX_SESSIONS) {
            sessions.entrySet().stream().min(Map.Entry.comparingByValue()).ifPresent(e -> sessions.remove(e.getKey()));
        }
        sessions.put(sessionKey(session), now + SESSION_LIFETIME.toNanos());
        log.info("dashboard: logged in from {}", client);
        Map<String, String> headers = new LinkedHashMap<>(SECURITY_HEADERS);
        headers.put("Set-Cookie", SESSION_COOKIE + "=" + session + "; Path=/; Max-Age=" + SESSION_LIFETIME.toSeconds()
                + "; HttpOnly; SameSite=Strict");
        response.send(200, "application/json", Json.write(JsonNodeFactory.instance.objectNode().put("ok", true))
                .getBytes(StandardCharsets.UTF_8), headers);
    }

    private void logout(WebServer.Request request, WebServer.Response response, String host, String session) throws IOException {
        if (login == null || session == null) {
            send(response, 404, "application/json", error("not logged in"));
            return;
        }
        if (!fromOwnPage(request, response, host, "logouts are")) {
            return;
        }
        sessions.remove(session);
        Map<String, String> headers = new LinkedHashMap<>(SECURITY_HEADERS);
        headers.put("Set-Cookie", SESSION_COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
        response.send(200, "application/json", Json.write(JsonNodeFactory.instance.objectNode().put("ok", true))
                .getBytes(StandardCharsets.UTF_8), headers);
    }

    /** The key of the request's live session, if its cookie names one. */
    private Optional<String> session(WebServer.Request request) {
        if (request.count("cookie") == 0) {
            return Optional.empty();
        }
        for (String header : request.headers().get("cookie")) {
            for (String pair : header.split(";")) {
                String p = pair.strip();
                if (p.startsWith(SESSION_COOKIE + "=")) {
                    String value = p.substring(SESSION_COOKIE.length() + 1);
                    if (!value.matches("[A-Za-z0-9_-]{43}")) {
                        continue;
                    }
                    String key = sessionKey(value);
                    Long end = sessions.get(key);
                    if (end != null && end - System.nanoTime() > 0) {
                        return Optional.of(key);
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static String sessionKey(String session) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(session.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private void command(WebServer.Request request, WebServer.Response response, String host, boolean loggedIn) throws IOException {
        if (!fromOwnPage(request, response, host, "commands are")) {
            return;
        }
        if (!constantTimeEquals(csrf, request.header("x-rollbridge-csrf").orElse(null))) {
            refuse(request, response, 403, "the page's session key is missing or stale: reload the page");
            return;
        }
        if (readOnly) {
            send(response, 403, "application/json", error("the dashboard is read-only: set a token to send commands from beyond 127.0.0.1"));
            return;
        }
        if (token != null && !loggedIn && !constantTimeEquals(token, request.header("x-rollbridge-token").orElse(null))) {
            refuse(request, response, 403, "a valid token is required");
            return;
        }
        JsonNode body;
        try {
            body = Json.read(request.body(), 8);
        } catch (IOException e) {
            send(response, 400, "application/json", error("invalid JSON"));
            return;
        }
        String device = body == null ? "" : body.path("device").asText("");
        JsonNode command = body == null ? null : body.get("command");
        if (!device.matches("[a-z0-9][a-z0-9_-]{0,63}") || command == null || !command.isObject()) {
            send(response, 400, "application/json", error("expected {\"device\":\"rollsense_…\",\"command\":{…}}"));
            return;
        }
        if (!feed.knows(device)) {
            send(response, 404, "application/json", error("no device '" + device + "' in the bridge's bridge/info"));
            return;
        }
        try {
            feed.command(device, command);
            send(response, 202, "application/json", Json.write(JsonNodeFactory.instance.objectNode().put("ok", true)));
        } catch (Exception e) {
            send(response, 503, "application/json", error("command not sent: " + e.getMessage()));
        }
    }

    private void refuse(WebServer.Request request, WebServer.Response response, int status, String why) throws IOException {
        long n = refused.incrementAndGet();
        if (n <= 3 || n % 100 == 0) {
            log.warn("dashboard: refused {} {} from {} ({} so far): {}", request.method(), Json.excerpt(request.path(), 60),
                    request.remote().getHostAddress(), n, why);
        }
        send(response, status, "application/json", error(why));
    }

    private void events(WebServer.Response response, String session) throws IOException {
        if (eventStreams.incrementAndGet() > MAX_EVENT_STREAMS) {
            eventStreams.decrementAndGet();
            Map<String, String> headers = new LinkedHashMap<>(SECURITY_HEADERS);
            headers.put("Retry-After", "10");
            response.send(503, "text/plain", ("too many open dashboards (" + MAX_EVENT_STREAMS + "); close one\n")
                    .getBytes(StandardCharsets.UTF_8), headers);
            return;
        }
        Backlog backlog = new Backlog();
        try {
            OutputStream out = response.stream(200, "text/event-stream", SECURITY_HEADERS);
            feed.listen(backlog);
            for (String line : feed.snapshot()) {
                write(out, line);
            }
            out.flush();
            // A page that falls too far behind is dropped: its browser reconnects and starts from a fresh snapshot.
            long quietSince = System.nanoTime();
            while (running && !backlog.overflowed() && (session == null || sessions.containsKey(session))) {
                String line = backlog.poll(1, TimeUnit.SECONDS);
                if (line != null) {
                    write(out, line);
                    out.flush();
                    quietSince = System.nanoTime();
                } else if (response.clientGone()) {
                    return; // the page was closed: its place is free at once
                } else if (System.nanoTime() - quietSince > TimeUnit.SECONDS.toNanos(15)) {
                    out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    quietSince = System.nanoTime();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            feed.unlisten(backlog);
            eventStreams.decrementAndGet();
        }
    }

    /** Messages waiting for one page, bounded by their size. */
    private static final class Backlog implements Consumer<String> {
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final AtomicLong bytes = new AtomicLong();
        private volatile boolean overflowed;

        @Override
        public void accept(String line) {
            if (overflowed || bytes.addAndGet(line.length()) > STREAM_BACKLOG_BYTES) {
                overflowed = true;
                return;
            }
            lines.offer(line);
        }

        String poll(long timeout, TimeUnit unit) throws InterruptedException {
            String line = lines.poll(timeout, unit);
            if (line != null) {
                bytes.addAndGet(-line.length());
            }
            return line;
        }

        boolean overflowed() {
            return overflowed;
        }
    }

    private static void write(OutputStream out, String json) throws IOException {
        out.write(("data: " + json + "\n\n").getBytes(StandardCharsets.UTF_8));
    }

    private static void send(WebServer.Response response, int status, String type, String body) throws IOException {
        response.send(status, type, body.getBytes(StandardCharsets.UTF_8), SECURITY_HEADERS);
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
        http.close();
    }
}
