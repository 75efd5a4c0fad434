package dev.rollbridge.mqtt.broker;

import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Properties;

/**
 * The zero-setup broker: Moquette in the same JVM. Its defaults are unsafe for us (it binds every
 * interface and reports telemetry to an outside host), so it is pinned to loopback, telemetry off,
 * nothing kept on disk.
 */
public final class EmbeddedBroker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedBroker.class);

    private final Server server;
    private final String host;
    private final int port;

    private EmbeddedBroker(Server server, String host, int port) {
        this.server = server;
        this.host = host;
        this.port = port;
    }

    /**
     * Starts on {@code host:preferredPort}, or on a free port when that one is taken (or is 0);
     * {@link #port()} tells which.
     */
    public static EmbeddedBroker start(String host, int preferredPort) throws IOException {
        int port = preferredPort > 0 && isFree(host, preferredPort) ? preferredPort : freePort(host);
        if (preferredPort > 0 && port != preferredPort) {
            log.warn("port {} on {} is taken; the embedded broker uses {} instead", preferredPort, host, port);
        }
        Properties p = new Properties();
        p.setProperty("host", host);
        p.setProperty("port", Integer.toString(port));
        p.setProperty("allow_anonymous", "true");
        // mosquitto_sub and other 3.1.1 clients may ask the broker to assign their id.
        p.setProperty("allow_zero_byte_client_id", "true");
        p.setProperty("telemetry_enabled", "false");
        p.setProperty("persistence_enabled", "false");
        p.setProperty("netty.mqtt.message_size", Integer.toString(256 * 1024));
        p.setProperty("buffer_flush_millis", "0");
        Server server = new Server();
        server.startServer(new MemoryConfig(p));
        return new EmbeddedBroker(server, host, port);
    }

    public int port() {
        return port;
    }

    public String url() {
        return "tcp://" + host + ":" + port;
    }

    /**
     * Stops the broker, waiting at most a few seconds: Moquette's stop can wait on connected
     * clients' sessions, and a daemon that is asked to stop must stop.
     */
    @Override
    public void close() {
        Thread stopper = new Thread(server::stopServer, "moquette-stop");
        stopper.setDaemon(true);
        stopper.start();
        try {
            stopper.join(3_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (stopper.isAlive()) {
            log.warn("the embedded broker did not stop within 3 s; leaving it to the JVM exit");
        }
    }

    private static boolean isFree(String host, int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(InetAddress.getByName(host), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort(String host) throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return s.getLocalPort();
        }
    }
}
