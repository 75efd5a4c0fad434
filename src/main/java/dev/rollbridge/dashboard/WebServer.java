package dev.rollbridge.dashboard;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * A small HTTP/1.1 server for the dashboard's few requests, written for hostile clients: one
 * request per connection ({@code Connection: close}), a strict parser, and hard limits that hold
 * whatever a client does.
 *
 * <ul>
 *   <li>At most {@code maxConnections} connections at once, each on its own thread; one more is
 *   closed as soon as it is accepted. A client beyond loopback (an IPv6 client: its /64) has at
 *   most {@value #MAX_PER_CLIENT} of them, so one machine on the LAN cannot take every place.</li>
 *   <li>The request (line, headers and body) must arrive within {@code requestTimeout}, however
 *   slowly it trickles in; at most {@code maxHeaderBytes} of head, {@code maxHeaders} headers,
 *   {@code maxBodyBytes} of body with a {@code Content-Length} (no chunked bodies).</li>
 *   <li>A write that the client does not read for {@code writeTimeout} closes the connection: a
 *   page that stops reading its event stream cannot hold a thread.</li>
 * </ul>
 * Why not the JDK's {@code com.sun.net.httpserver}: its limits are JVM-wide system properties read
 * once, it reads a request's headers on a handler thread with no deadline unless told, and on
 * JDK 17 a client that goes away during a response leaves its connection counted for ever, so a
 * connection cap there fills up with page reloads.
 */
final class WebServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebServer.class);
    private static final Pattern METHOD = Pattern.compile("[A-Z]{1,16}");
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}");

    /** The limits; see the class comment. */
    record Limits(int maxConnections, int maxHeaderBytes, int maxHeaders, int maxBodyBytes, Duration requestTimeout,
                  Duration writeTimeout) {
    }

    /** A parsed request. Header names are lower case. */
    record Request(String method, String path, String query, Map<String, List<String>> headers, byte[] body, InetAddress remote,
                   int localPort) {
        /** The header's value when it was sent exactly once. */
        Optional<String> header(String name) {
            List<String> values = headers.getOrDefault(name, List.of());
            return values.size() == 1 ? Optional.of(values.get(0)) : Optional.empty();
        }

        int count(String name) {
            return headers.getOrDefault(name, List.of()).size();
        }
    }

    /** The answer to one request; every response closes the connection. */
    interface Response {
        void send(int status, String contentType, byte[] body, Map<String, String> headers) throws IOException;

        /** Sends the status and headers with no length, and returns the body to write to until done (an event stream). */
        OutputStream stream(int status, String contentType, Map<String, String> headers) throws IOException;

        /**
         * Whether the client has hung up (or sent more than its one request): a stream learns of a
         * closed page at once this way, not only when a write to it fails a while later.
         */
        boolean clientGone();
    }

    @FunctionalInterface
    interface Handler {
        void handle(Request request, Response response) throws IOException;
    }

    private final ServerSocket socket;
    private final Limits limits;
    private final Handler handler;
    private final Semaphore slots;
    private final ThreadPoolExecutor threads;
    private final ScheduledExecutorService reaper;
    private final Thread acceptor;
    static final int MAX_PER_CLIENT = 12;

    private final Set<Connection> open = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> perClient = new ConcurrentHashMap<>();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong timedOut = new AtomicLong();
    private volatile boolean running = true;

    private WebServer(ServerSocket socket, Limits limits, Handler handler) {
        this.socket = socket;
        this.limits = limits;
        this.handler = handler;
        this.slots = new Semaphore(limits.maxConnections());
        this.threads = new ThreadPoolExecutor(0, limits.maxConnections(), 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                r -> daemon(r, "dashboard-http"));
        this.reaper = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "dashboard-http-reaper"));
        this.acceptor = daemon(this::accept, "dashboard-http-accept");
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Listens on {@code address:port} (0: any free port) and serves until {@link #close}. */
    static WebServer start(InetSocketAddress address, Limits limits, Handler handler) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        try {
            s.bind(address, 50);
        } catch (IOException e) {
            s.close();
            throw e;
        }
        WebServer server = new WebServer(s, limits, handler);
        server.reaper.scheduleWithFixedDelay(server::reap, 1, 1, TimeUnit.SECONDS);
        server.acceptor.start();
        return server;
    }

    InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    /** Connections closed at once because {@code maxConnections} were open. */
    long refusedConnections() {
        return refused.get();
    }

    /** Connections closed because a request came too slowly or a client stopped reading. */
    long timedOutConnections() {
        return timedOut.get();
    }

    int openConnections() {
        return open.size();
    }

    private void accept() {
        while (running) {
            Socket client;
            try {
                client = socket.accept();
            } catch (IOException e) {
                if (running) {
                    log.warn("dashboard: accepting a connection failed: {}", e.getMessage());
                }
                continue;
            }
            String key = client.getInetAddress().isLoopbackAddress() ? null : clientKey(client.getInetAddress());
            if (key != null && perClient.merge(key, 1, Integer::sum) > MAX_PER_CLIENT) {
                releaseClient(key);
                refused.incrementAndGet();
                closeQuietly(client);
                continue;
            }
            if (!slots.tryAcquire()) {
                releaseClient(key);
                refused.incrementAndGet();
                closeQuietly(client);
                continue;
            }
            Connection c = new Connection(client, key);
            open.add(c);
            try {
                threads.execute(() -> serve(c));
            } catch (RuntimeException e) {
                finished(c);
            }
        }
    }

    private void serve(Connection c) {
        try {
            c.socket.setTcpNoDelay(true);
            Request request = read(c);
            if (request != null) {
                handler.handle(request, c);
            }
        } catch (IOException e) {
            // The client went away or was too slow: nothing to answer.
        } catch (RuntimeException | StackOverflowError e) {
            log.warn("dashboard: a request failed: {}", e.toString());
        } finally {
            finished(c);
        }
    }

    private void finished(Connection c) {
        closeQuietly(c.socket);
        if (open.remove(c)) {
            slots.release();
            releaseClient(c.clientKey);
        }
    }

    private void releaseClient(String key) {
        if (key != null) {
            perClient.merge(key, -1, (count, minusOne) -> count + minusOne == 0 ? null : count + minusOne);
        }
    }

    /** Who a client is, for limits: its address, or for IPv6 its /64 (one home gets a whole /64 to pick from). */
    static String clientKey(InetAddress address) {
        if (address instanceof Inet6Address) {
            return HexFormat.of().formatHex(address.getAddress(), 0, 8) + "::/64";
        }
        return address.getHostAddress();
    }

    /** Reads one request within the deadline; answers and returns null when it is malformed or too large. */
    private Request read(Connection c) throws IOException {
        long deadline = System.nanoTime() + limits.requestTimeout().toNanos();
        InputStream in = new BufferedInputStream(c.socket.getInputStream(), 4096);
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder(128);
        int headBytes = 0;
        while (true) {
            int b = readByte(c, in, deadline);
            if (b < 0) {
                return null; // closed before a whole request
            }
            if (++headBytes > limits.maxHeaderBytes()) {
                c.error(431, "request head larger than " + limits.maxHeaderBytes() + " bytes");
                return null;
            }
            if (b == '\n') {
                int end = line.length();
                if (end > 0 && line.charAt(end - 1) == '\r') {
                    line.setLength(end - 1);
                }
                if (line.length() == 0) {
                    break;
                }
                lines.add(line.toString());
                if (lines.size() > limits.maxHeaders() + 1) {
                    c.error(431, "more than " + limits.maxHeaders() + " headers");
                    return null;
                }
                line.setLength(0);
            } else if (b < 0x20 && b != '\t' && b != '\r' || b == 0x7F || line.length() > 0 && line.charAt(line.length() - 1) == '\r') {
                c.error(400, "a control character in the request head");
                return null;
            } else {
                line.append((char) b);
            }
        }
        if (lines.isEmpty()) {
            c.error(400, "no request line");
            return null;
        }
        String[] start = lines.get(0).split(" ", -1);
        if (start.length != 3 || !METHOD.matcher(start[0]).matches() || !start[1].startsWith("/")
                || !(start[2].equals("HTTP/1.1") || start[2].equals("HTTP/1.0"))) {
            c.error(400, "not an HTTP/1.x request line with a path");
            return null;
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String h : lines.subList(1, lines.size())) {
            int colon = h.indexOf(':');
            String name = colon < 0 ? "" : h.substring(0, colon);
            if (!TOKEN.matcher(name).matches()) {
                c.error(400, "a malformed header line");
                return null;
            }
            headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>(1)).add(h.substring(colon + 1).strip());
        }
        headers.replaceAll((k, v) -> Collections.unmodifiableList(v));
        if (headers.containsKey("transfer-encoding")) {
            c.error(501, "request bodies must have a Content-Length");
            return null;
        }
        byte[] body = new byte[0];
        List<String> lengths = headers.getOrDefault("content-length", List.of());
        if (!lengths.isEmpty()) {
            String length = lengths.get(0);
            if (lengths.size() > 1 || !length.matches("[0-9]{1,9}")) {
                c.error(400, "a malformed Content-Length");
                return null;
            }
            int n = Integer.parseInt(length);
            if (n > limits.maxBodyBytes()) {
                c.error(413, "a request body is at most " + limits.maxBodyBytes() + " bytes");
                return null;
            }
            body = new byte[n];
            for (int i = 0; i < n; i++) {
                int b = readByte(c, in, deadline);
                if (b < 0) {
                    return null;
                }
                body[i] = (byte) b;
            }
        }
        String target = start[1];
        int q = target.indexOf('?');
        return new Request(start[0], q < 0 ? target : target.substring(0, q), q < 0 ? "" : target.substring(q + 1),
                Collections.unmodifiableMap(headers), body, c.socket.getInetAddress(), c.socket.getLocalPort());
    }

    /** One byte, waiting no later than the request's deadline however the client trickles it in. */
    private int readByte(Connection c, InputStream in, long deadline) throws IOException {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
            timeout(c);
        }
        c.socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, left)));
        try {
            return in.read();
        } catch (SocketTimeoutException e) {
            timeout(c);
            return -1;
        }
    }

    private void timeout(Connection c) throws IOException {
        timedOut.incrementAndGet();
        c.error(408, "the request did not arrive within " + limits.requestTimeout().toSeconds() + " s");
        throw new SocketTimeoutException("request too slow");
    }

    /** Closes connections stuck in a write the client does not read. */
    private void reap() {
        long now = System.nanoTime();
        for (Connection c : open) {
            long since = c.writingSince;
            if (since != 0 && now - since > limits.writeTimeout().toNanos()) {
                timedOut.incrementAndGet();
                closeQuietly(c.socket);
            }
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Connection c : open) {
            closeQuietly(c.socket);
        }
        threads.shutdownNow();
        reaper.shutdownNow();
        try {
            acceptor.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 202 -> "Accepted";
            case 303 -> "See Other";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 413 -> "Content Too Large";
            case 415 -> "Unsupported Media Type";
            case 429 -> "Too Many Requests";
            case 421 -> "Misdirected Request";
            case 431 -> "Request Header Fields Too Large";
            case 501 -> "Not Implemented";
            case 503 -> "Service Unavailable";
            default -> "Error";
        };
    }

    /** One client connection, and the response side of its one request. */
    private final class Connection implements Response {
        final Socket socket;
        final String clientKey;
        volatile long writingSince;
        private boolean answered;

        Connection(Socket socket, String clientKey) {
            this.socket = socket;
            this.clientKey = clientKey;
        }

        void error(int status, String why) throws IOException {
            send(status, "text/plain; charset=utf-8", (why + "\n").getBytes(StandardCharsets.UTF_8), Map.of());
        }

        @Override
        public void send(int status, String contentType, byte[] body, Map<String, String> headers) throws IOException {
            OutputStream out = head(status, contentType, body.length, headers);
            write(out, body);
            out.flush();
        }

        @Override
        public OutputStream stream(int status, String contentType, Map<String, String> headers) throws IOException {
            OutputStream raw = head(status, contentType, -1, headers);
            raw.flush();
            return new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[]{(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    Connection.this.write(raw, b, off, len);
                }

                @Override
                public void flush() throws IOException {
                    raw.flush();
                }
            };
        }

        @Override
        public boolean clientGone() {
            try {
                socket.setSoTimeout(1);
                socket.getInputStream().read(); // the end, or a byte it had no business sending (one request per connection)
                return true;
            } catch (SocketTimeoutException quiet) {
                return false;
            } catch (IOException e) {
                return true;
            }
        }

        private OutputStream head(int status, String contentType, int length, Map<String, String> headers) throws IOException {
            if (answered) {
                throw new IllegalStateException("answered twice");
            }
            answered = true;
            StringBuilder h = new StringBuilder(256).append("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
            h.append("Content-Type: ").append(contentType).append("\r\n");
            if (length >= 0) {
                h.append("Content-Length: ").append(length).append("\r\n");
            }
            h.append("Connection: close\r\n");
            headers.forEach((k, v) -> h.append(k).append(": ").append(v).append("\r\n"));
            h.append("\r\n");
            OutputStream out = socket.getOutputStream();
            write(out, h.toString().getBytes(StandardCharsets.ISO_8859_1));
            return out;
        }

        private void write(OutputStream out, byte[] bytes) throws IOException {
            write(out, bytes, 0, bytes.length);
        }

        private void write(OutputStream out, byte[] bytes, int off, int len) throws IOException {
            writingSince = System.nanoTime();
            try {
                out.write(bytes, off, len);
            } catch (SocketException e) {
                throw new IOException("the client went away or stopped reading", e);
            } finally {
                writingSince = 0;
            }
        }
    }
}
