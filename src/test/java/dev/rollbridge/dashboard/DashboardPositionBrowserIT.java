package dev.rollbridge.dashboard;

import dev.rollbridge.bridge.Bridge;
import dev.rollbridge.daemon.DaemonOptions;
import dev.rollbridge.daemon.Devices;
import dev.rollbridge.daemon.RollbridgeDaemon;
import dev.rollbridge.mqtt.contract.Topics;
import dev.rollbridge.mqtt.link.MqttSettings;
import dev.rollbridge.profile.DeviceProfile;
import dev.rollbridge.profile.ProfileLoader;
import dev.rollbridge.simulator.SimulatedRollsense;
import dev.rollbridge.testing.Chromium;
import dev.rollbridge.testing.MqttProbe;
import dev.rollbridge.testing.WithMosquitto;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where on the muscle in a real headless Chromium, fed by a real bridge playing the simulated
 * hamstring session through a real Mosquitto: the live strip stays empty until the warm-up's
 * first long stroke anchors the position, then fills in as the session goes on, with the position
 * marker; the last session's strip shows the holds and the tender spot. Screenshot:
 * target/dashboard-position.png (docs/dashboard-position.png is a copy).
 */
class DashboardPositionBrowserIT extends WithMosquitto {
    private static final String BASE = "pos";
    private static final String DEVICE = "rollsense_c0ffee000003";

    /** Read in one script: the strips are redrawn with every state, so elements found earlier go stale. */
    private static Object js(WebDriver page, String script) {
        return ((JavascriptExecutor) page).executeScript("const card = document.querySelector(\"section.device[data-device='" + DEVICE
                + "']\"); if (!card) return null; " + script);
    }

    /** A strip's segments' dose shares, fold first. */
    private static List<Double> shares(WebDriver page, String strip) {
        Object r = js(page, "return Array.from(card.querySelectorAll('svg." + strip + " rect.segment')).map(r => Number(r.getAttribute('data-share')));");
        return r == null ? List.of() : ((List<?>) r).stream().map(v -> ((Number) v).doubleValue()).toList();
    }

    private static long count(WebDriver page, String css) {
        Object r = js(page, "return card.querySelectorAll('" + css + "').length;");
        return r == null ? 0 : ((Number) r).longValue();
    }

    private static String textOf(WebDriver page, String css) {
        Object r = js(page, "const e = card.querySelector('" + css + "'); return e ? e.textContent : '';");
        return r == null ? "" : (String) r;
    }

    @Test
    void theStripFillsInDuringASimulatedSessionAndTheSummaryShowsWhereTheWorkWent() throws Exception {
        DeviceProfile ball = new ProfileLoader().builtIn("rollsense-ball");
        Topics topics = new Topics(BASE);
        DaemonOptions options = DaemonOptions.of(MqttSettings.of(broker.url(), "bridge-pos", BASE), topics, List.of(
                new Bridge.Device(DEVICE, ball, ball.thresholds(),
                        Devices.simulator(ball, ball.thresholds(), new SimulatedRollsense.Options("C0:FF:EE:00:00:03", 8, 185, false, 7)))));
        DashboardFeed feed = new DashboardFeed(broker.url(), topics);
        feed.connect();
        WebDriver page = null;
        RollbridgeDaemon bridge = null;
        try (MqttProbe probe = new MqttProbe(broker.url(), BASE + "/#");
             DashboardServer server = DashboardServer.start(feed, "127.0.0.1", 0, null)) {
            page = Chromium.start();
            page.get(server.url());
            WebDriverWait wait = new WebDriverWait(page, Duration.ofSeconds(60), Duration.ofMillis(50));
            bridge = RollbridgeDaemon.start(options);
            WebDriver p = page;
            wait.until(d -> !d.findElements(By.cssSelector("section.device[data-device='" + DEVICE + "']")).isEmpty());

            // Before the first long stroke ends: ten empty segments and the note, no position.
            wait.until(d -> shares(d, "live-strip").size() == 10);
            assertThat(textOf(p, "svg.live-strip")).contains("gluteal fold").contains("knee");

            // Filling in: the strip gets dose, then more of it spreads (the warm-up strokes), and the marker follows the tool.
            wait.until(d -> count(d, "svg.live-strip.filled") == 1);
            wait.until(d -> count(d, "svg.live-strip line.position") == 1);
            List<Double> early = shares(p, "live-strip");
            wait.until(d -> shares(d, "live-strip").stream().filter(s -> s > 0).count() >= 8 && !shares(d, "live-strip").equals(early));
            // The shares are shares: they add up to the whole.
            assertThat(shares(p, "live-strip").stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(0.02));

            // The session ends with the stream: the summary's strip has both holds and the ease-off of the long hold.
            wait.until(d -> count(d, "svg.summary-strip.filled") == 1);
            assertThat(count(p, "svg.summary-strip circle.hold-dot")).isEqualTo(2);
            assertThat(count(p, "svg.summary-strip path.tender")).isEqualTo(1);
            List<Double> last = shares(p, "summary-strip");
            assertThat(last).hasSize(10);
            // Most of the dose went where the simulated holds were: the knee end of the learned span.
            assertThat(last.get(9)).isGreaterThan(0.4);

            // On the wire: the summary carries the ten segments with both holds; <device>/segments came
            // at QoS 0, at most once a second of sample time (the script is about 310 s), and is retained.
            String segmentsTopic = BASE + "/" + DEVICE + "/segments";
            MqttProbe.Received session = probe.await("the session summary", Duration.ofSeconds(10),
                    m -> m.topic().equals(BASE + "/" + DEVICE + "/session"));
            assertThat(session.json().path("segments")).hasSize(10);
            int holds = 0;
            for (var seg : session.json().path("segments")) {
                holds += seg.path("holds").size();
            }
            assertThat(holds).isEqualTo(2);
            List<MqttProbe.Received> live = probe.on(segmentsTopic);
            assertThat(live).isNotEmpty().allSatisfy(m -> assertThat(m.qos()).isZero());
            assertThat(live.size()).isBetween(20, 312);
            try (MqttProbe late = new MqttProbe(broker.url(), segmentsTopic)) {
                assertThat(late.await("the retained segments", Duration.ofSeconds(5), m -> true).retained()).isTrue();
            }

            ((JavascriptExecutor) page).executeScript("document.querySelector(\"section.device[data-device='" + DEVICE
                    + "'] .muscle-panel\").scrollIntoView()");
            Path shot = Path.of("target", "dashboard-position.png");
            Files.createDirectories(shot.getParent());
            Files.copy(((TakesScreenshot) page).getScreenshotAs(OutputType.FILE).toPath(), shot, StandardCopyOption.REPLACE_EXISTING);
            assertThat(Files.size(shot)).as("screenshot for review: %s", shot).isGreaterThan(10_000);
        } finally {
            if (page != null) {
                page.quit();
            }
            if (bridge != null) {
                bridge.stop(Duration.ofSeconds(2));
            }
            feed.close();
        }
    }
}
