package dev.rollbridge.dashboard;

import dev.rollbridge.bridge.Bridge;
import dev.rollbridge.bridge.BridgeContext;
import dev.rollbridge.bridge.Extension;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * The web dashboard inside the daemon: its feed rides on the daemon's own MQTT link, shows the
 * daemon's devices only, and its page's commands go to {@code <device>/set} like any other.
 */
public final class DashboardExtension implements Extension {
    private final DashboardServer.Options options;
    private final Consumer<String> announce;
    private DashboardFeed feed;
    private DashboardServer server;

    /** @param announce told the page's address once it listens */
    public DashboardExtension(DashboardServer.Options options, Consumer<String> announce) {
        this.options = options;
        this.announce = announce;
    }

    @Override
    public String name() {
        return "dashboard";
    }

    @Override
    public void start(BridgeContext context) throws IOException {
        feed = DashboardFeed.inBridge(context.link(), context.topics());
        feed.bridgeDevices(context.devices().stream().map(Bridge.Device::id).toList());
        try {
            server = DashboardServer.start(feed, options);
        } catch (IOException e) {
            feed.close();
            throw new IOException("cannot listen on " + options.host() + ":" + options.port() + " (" + e.getMessage()
                    + "); run it alone with: rollbridge dashboard --broker " + context.link().settings().redactedBrokerUrl(), e);
        }
        announce.accept(server.url());
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
        if (feed != null) {
            feed.close();
        }
    }
}
