package dev.rollbridge.dashboard;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The dashboard's HTTP server against clients that misbehave: its limits hold whatever they do. */

class WebServerIT {
    private static final WebServer.Limits LIMITS = new WebServer.Limits(4, 1024, 8, 64, Duration.ofSeconds(1), Duration.ofSeconds(1));
    private WebServer server;

    private WebServer start(WebServer.Handler handler) throws IOException {
        server = WebServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), LIMITS, handler);
        return server;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static WebServer.Handler echo() {
        return (request, response) -> response.send(200, "text/plain", (request.method() + " " + request.path() + " ? " + request.query()
                + " " + request.header("host").orElse("-") + " " + new String(request.body(), StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8), Map.of("X-Test", "1"));
    }

    private String exchange(String raw) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.address().getPort())) {
            s.setSoTimeout(5_000);
            s.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aRequestIsParsedAndAnsweredAndTheConnectionClosed() throws Exception {
        start(echo());
        String answer = exchange("POST /api/x?a=1 HTTP/1.1\r\nHost: h:1\r\nContent-Length: 5\r\n\r\nhello");
        assertThat(answer).startsWith("HTTP/1.1 200 OK\r\n").contains("Connection: close\r\n").contains("X-Test: 1\r\n")
                .contains("Content-Length: 27\r\n").endsWith("\r\n\r\nPOST /api/x ? a=1 h:1 hello");
        assertThat(exchange("GET / HTTP/1.0\nHost: x\n\n")).as("bare line feeds").startsWith("HTTP/1.1 200").endsWith("GET / ?  x ");
    }

    @Test
    void malformedOrOversizedRequestsAreRefusedWithTheRightStatus() throws Exception {
        start(echo());
        assertThat(exchange("GET http://evil/ HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 400");
        assertThat(exchange("GET / HTTP/2.0\r\n\r\n")).startsWith("HTTP/1.1 400");
        assertThat(exchange("get / HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 400");
        assertThat(exchange("GET / HTTP/1.1\r\nBad Header: x\r\n\r\n")).startsWith("HTTP/1.1 400");
        assertThat(exchange("GET / HTTP/1.1\r\nX: a\u0000b\r\n\r\n")).startsWith("HTTP/1.1 400");
        assertThat(exchange("GET / HTTP/1.1\r\nX: a\rb\r\n\r\n")).startsWith("HTTP/1.1 400");
        assertThat(exchange("GET / HTTP/1.1\r\nX: " + "y".repeat(2_000) + "\r\n\r\n")).startsWith("HTTP/1.1 431");
        assertThat(exchange("GET / HTTP/1.1\r\n" + "X: y\r\n".repeat(9) + "\r\n")).startsWith("HTTP/1.1 431");
        assertThat(exchange("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")).startsWith("HTTP/1.1 501");
        assertThat(exchange("POST / HTTP/1.1\r\nContent-Length: 65\r\n\r\n" + "z".repeat(65))).startsWith("HTTP/1.1 413");
        assertThat(exchange("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nz")).startsWith("HTTP/1.1 400");
        assertThat(exchange("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n")).startsWith("HTTP/1.1 400");
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> server.openConnections() == 0);
    }

    /** A request that trickles in (a byte every 300 ms) is cut off at the deadline, however much keeps coming. */
    @Test
    void aSlowRequestIsCutOffAtItsDeadline() throws Exception {
        start(echo());
        try (Socket s = new Socket("127.0.0.1", server.address().getPort())) {
            s.setSoTimeout(5_000);
            OutputStream out = s.getOutputStream();
            long started = System.nanoTime();
            String answer = "";
            try {
                for (char c : "GET / HTTP/1.1\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".toCharArray()) {
                    out.write(c);
                    out.flush();
                    Thread.sleep(300);
                    if (s.getInputStream().available() > 0) {
                        break;
                    }
                }
            } catch (IOException closed) {
                // the server hung up
            }
            answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 408");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
        }
        assertThat(server.timedOutConnections()).isGreaterThanOrEqualTo(1);
    }

    /** A client that stops reading an endless stream is closed after the write timeout: its thread and slot come back. */
    @Test
    void aClientThatStopsReadingIsClosed() throws Exception {
        start((request, response) -> {
            OutputStream out = response.stream(200, "text/event-stream", Map.of());
            byte[] chunk = new byte[64 * 1024];
            while (true) {
                out.write(chunk);
            }
        });
        try (Socket s = new Socket("127.0.0.1", server.address().getPort())) {
            s.setReceiveBufferSize(4096);
            s.getOutputStream().write("GET /events HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            Awaitility.await("the stalled stream closed").atMost(Duration.ofSeconds(15)).until(() -> server.openConnections() == 0);
            assertThat(server.timedOutConnections()).isGreaterThanOrEqualTo(1);
        }
    }

    /**
     * Connections past the limit are closed at once; and clients that hang up in the middle of a
     * stream never use up places (the JDK server on 17 kept them counted, and its cap filled up).
     */
    @Test
    void placesAreCappedAndComeBackWhateverClientsDo() throws Exception {
        start((request, response) -> {
            OutputStream out = response.stream(200, "text/event-stream", Map.of());
            while (true) {
                out.write("data: x\n\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < LIMITS.maxConnections(); i++) {
                Socket s = new Socket("127.0.0.1", server.address().getPort());
                s.getOutputStream().write("GET /e HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                held.add(s);
            }
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> server.openConnections() == LIMITS.maxConnections());
            try (Socket extra = new Socket("127.0.0.1", server.address().getPort())) {
                extra.setSoTimeout(5_000);
                InputStream in = extra.getInputStream();
                assertThat(in.read()).as("one over the limit is closed at once").isEqualTo(-1);
            }
            assertThat(server.refusedConnections()).isEqualTo(1);
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
        Awaitility.await("the held places back").atMost(Duration.ofSeconds(10)).until(() -> server.openConnections() == 0);
        for (int i = 0; i < 60; i++) {
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> server.openConnections() < LIMITS.maxConnections());
            try (Socket s = new Socket("127.0.0.1", server.address().getPort())) {
                s.getOutputStream().write("GET /e HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                s.setSoTimeout(5_000);
                assertThat(s.getInputStream().read()).isNotEqualTo(-1);
                s.setSoLinger(true, 0); // hang up hard, mid-stream
            }
        }
        Awaitility.await("every place back").atMost(Duration.ofSeconds(10)).until(() -> server.openConnections() == 0);
        try (Socket s = new Socket("127.0.0.1", server.address().getPort())) {
            s.getOutputStream().write("GET /e HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            s.setSoTimeout(5_000);
            assertThat(new String(s.getInputStream().readNBytes(15), StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200 OK");
        }
    }

    /**
     * One machine on the LAN cannot take every place: its idle connections past the per-client cap
     * are closed at once, while loopback and other clients are still served. The client here is this
     * machine's own network address (not loopback), as a phone on the LAN would be.
     */
    @Test
    void oneClientBeyondLoopbackHasAtMostItsShareOfConnections() throws Exception {
        InetAddress lan = null;
        for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                if (ni.isUp() && !a.isLoopbackAddress() && !a.isLinkLocalAddress() && a instanceof Inet4Address) {
                    lan = a;
                }
            }
        }
        assertThat(lan).as("this machine's network address (the test needs one besides loopback)").isNotNull();
        WebServer.Limits roomy = new WebServer.Limits(64, 1024, 8, 64, Duration.ofSeconds(30), Duration.ofSeconds(1));
        server = WebServer.start(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0), roomy, echo());
        int port = server.address().getPort();
        List<Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < WebServer.MAX_PER_CLIENT; i++) {
                Socket s = new Socket(lan, port);
                s.getOutputStream().write("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII)); // never finished
                idle.add(s);
            }
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> server.openConnections() == WebServer.MAX_PER_CLIENT);
            try (Socket oneMore = new Socket(lan, port)) {
                oneMore.setSoTimeout(5_000);
                assertThat(oneMore.getInputStream().read()).as("closed at once").isEqualTo(-1);
            }
            assertThat(exchange("GET / HTTP/1.1\r\nHost: x\r\n\r\n")).as("loopback still served").startsWith("HTTP/1.1 200");
        } finally {
            for (Socket s : idle) {
                s.close();
            }
        }
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> server.openConnections() == 0);
        try (Socket again = new Socket(lan, port)) {
            again.setSoTimeout(5_000);
            again.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(again.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).as("its places come back")
                    .startsWith("HTTP/1.1 200");
        }
    }

    @Test
    void anIpv6ClientIsCountedByItsSlash64() throws Exception {
        assertThat(WebServer.clientKey(InetAddress.getByName("fd00::1"))).isEqualTo(WebServer.clientKey(InetAddress.getByName("fd00::ffff:1")));
        assertThat(WebServer.clientKey(InetAddress.getByName("fd00:0:0:1::1"))).isNotEqualTo(WebServer.clientKey(InetAddress.getByName("fd00::1")));
        assertThat(WebServer.clientKey(InetAddress.getByName("192.0.2.7"))).isEqualTo("192.0.2.7");
    }
}
