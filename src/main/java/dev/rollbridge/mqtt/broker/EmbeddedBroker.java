package dev.rollbridge.mqtt.broker;

import io.moquette.broker.Server;
import dev.rollbridge.login.BrokerLogin;
import dev.rollbridge.login.PasswordHash;
import dev.rollbridge.mqtt.link.Credentials;
import dev.rollbridge.mqtt.link.Secret;
import io.moquette.broker.config.MemoryConfig;
import io.moquette.broker.security.IAuthenticator;
import io.moquette.broker.security.IAuthorizatorPolicy;
import io.moquette.broker.subscriptions.Topic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The zero-setup broker: Moquette in the same JVM. Its defaults are unsafe for us (it binds every
 * interface and reports telemetry to an outside host), so it is pinned to loopback, telemetry off,
 * nothing kept on disk.
 *
 * <p>In LAN mode it listens on every interface and takes no anonymous client: only the LAN login
 * (a username and the hash of its password) and the bridge's own connection, which gets a random
 * password made at each start ({@link #ownLogin()}). The LAN login reads everything but writes
 * only what a client of the bridge has to: commands, bridge requests and Home Assistant's status.
 * Wrong passwords are not throttled: the password is unguessable ({@link PasswordHash}), and a
 * throttle the broker cannot tie to a client (it is not told who asks) would lock out the owner.
 */
public final class EmbeddedBroker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedBroker.class);

    /** The bridge's own connection's username in LAN mode (a LAN login may not take it: {@link BrokerLogin#isUsername}). */
    static final String OWN_USERNAME = BrokerLogin.RESERVED_USERNAME;

    /**
     * LAN mode: the login, and the topics its writes are limited to.
     *
     * @param baseTopic       the bridge's (commands go to {@code <base>/<device>/set})
     * @param discoveryPrefix Home Assistant's ({@code <prefix>/status} is its birth and will)
     */
    public record Lan(BrokerLogin login, String baseTopic, String discoveryPrefix) {
    }

    private final Server server;
    private final String host;
    private final int port;
    private final Optional<Credentials> own;

    private EmbeddedBroker(Server server, String host, int port, Optional<Credentials> own) {
        this.server = server;
        this.host = host;
        this.port = port;
        this.own = own;
    }

    /** Loopback only, anyone on this machine may connect. */
    public static EmbeddedBroker start(String host, int preferredPort) throws IOException {
        return start(host, preferredPort, Optional.empty());
    }

    /**
     * Starts on {@code host:preferredPort}, or on a free port when that one is taken (or is 0);
     * {@link #port()} tells which.
     */
    public static EmbeddedBroker start(String host, int preferredPort, Optional<Lan> login) throws IOException {
        int port = preferredPort > 0 && isFree(host, preferredPort) ? preferredPort : freePort(host);
        if (preferredPort > 0 && port != preferredPort) {
            log.warn("port {} on {} is taken; the embedded broker uses {} instead", preferredPort, host, port);
        }
        Properties p = new Properties();
        p.setProperty("host", host);
        p.setProperty("port", Integer.toString(port));
        p.setProperty("allow_anonymous", Boolean.toString(login.isEmpty()));
        // mosquitto_sub and other 3.1.1 clients may ask the broker to assign their id.
        p.setProperty("allow_zero_byte_client_id", "true");
        p.setProperty("telemetry_enabled", "false");
        p.setProperty("persistence_enabled", "false");
        p.setProperty("netty.mqtt.message_size", Integer.toString(256 * 1024));
        p.setProperty("buffer_flush_millis", "0");
        Server server = new Server();
        if (login.isEmpty()) {
            server.startServer(new MemoryConfig(p));
            return new EmbeddedBroker(server, host, port, Optional.empty());
        }
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String ownPassword = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        MemoryConfig config = new MemoryConfig(p);
        server.startServer(config, List.of(), null, new LanAuthenticator(login.get().login(), ownPassword), new LanWrites(login.get()));
        return new EmbeddedBroker(server, host, port, Optional.of(new Credentials(OWN_USERNAME,
                Optional.of(new Secret(ownPassword.toCharArray(), "the embedded broker")))));
    }

    /** In LAN mode, the login the bridge's own connection must use; else none is needed. */
    public Optional<Credentials> ownLogin() {
        return own;
    }

    /** The LAN login or the bridge's own. */
    static final class LanAuthenticator implements IAuthenticator {
        private final BrokerLogin login;
        private final byte[] ownPassword;
        private final AtomicLong wrong = new AtomicLong();

        LanAuthenticator(BrokerLogin login, String ownPassword) {
            this.login = login;
            this.ownPassword = ownPassword.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public boolean checkValid(String clientId, String username, byte[] password) {
            if (username == null || password == null) {
                return false;
            }
            if (username.equals(OWN_USERNAME)) {
                return MessageDigest.isEqual(ownPassword, password);
            }
            boolean right = false;
            if (username.equals(login.username()) && password.length <= 256) {
                CharBuffer decoded = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(password));
                char[] given = new char[decoded.remaining()];
                decoded.get(given);
                right = login.password().matches(given);
                Arrays.fill(given, '\0');
                Arrays.fill(decoded.array(), '\0');
            }
            if (!right) {
                long n = wrong.incrementAndGet();
                if (n <= 3 || n % 100 == 0) {
                    log.warn("embedded broker: a wrong login ({} so far)", n);
                }
            }
            return right;
        }
    }

    /** What each login may publish: the bridge anything; the LAN login only what a client sends. Both read everything. */
    static final class LanWrites implements IAuthorizatorPolicy {
        private final String commandPrefix;
        private final String requestPrefix;
        private final String haStatus;

        LanWrites(Lan lan) {
            this.commandPrefix = lan.baseTopic() + "/";
            this.requestPrefix = lan.baseTopic() + "/bridge/request/";
            this.haStatus = lan.discoveryPrefix() + "/status";
        }

        @Override
        public boolean canWrite(Topic topic, String user, String client) {
            if (OWN_USERNAME.equals(user)) {
                return true;
            }
            String t = topic.toString();
            if (t.equals(haStatus) || t.startsWith(requestPrefix) && t.indexOf('/', requestPrefix.length()) < 0) {
                return true;
            }
            // <base>/<device>/set: one level between the base and "set".
            if (t.startsWith(commandPrefix) && t.endsWith("/set")) {
                String device = t.substring(commandPrefix.length(), t.length() - "/set".length());
                return !device.isEmpty() && !device.contains("/");
            }
            return false;
        }

        @Override
        public boolean canRead(Topic topic, String user, String client) {
            return true;
        }
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
