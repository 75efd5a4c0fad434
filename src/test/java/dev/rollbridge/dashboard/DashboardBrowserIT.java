package dev.rollbridge.dashboard;

import dev.rollbridge.bridge.Bridge;
import dev.rollbridge.daemon.DaemonOptions;
import dev.rollbridge.daemon.RollbridgeDaemon;
import dev.rollbridge.mqtt.contract.Topics;
import dev.rollbridge.mqtt.link.MqttSettings;
import dev.rollbridge.profile.DeviceProfile;
import dev.rollbridge.profile.ProfileLoader;
import dev.rollbridge.replay.ReplayTransport;
import dev.rollbridge.replay.TraceReader;
import dev.rollbridge.testing.Chromium;
import dev.rollbridge.testing.Daemon;
import dev.rollbridge.testing.ManualTransport;
import dev.rollbridge.testing.MqttProbe;
import dev.rollbridge.testing.WithMosquitto;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard in a real headless Chromium (Debian's chromium and chromedriver, no downloads),
 * fed by a real bridge through a real Mosquitto: live values, the hold ring and cue, alert latency,
 * the buttons, availability, and a screenshot under target/.
 */
class DashboardBrowserIT extends WithMosquitto {
    private static final String BASE = "dash";
    private static final String REPLAYED = "rollsense_c0ffee000001";
    private static final String MANUAL = "rollsense_c0ffee000002";

    private static WebElement card(WebDriver page, String device) {
        return page.findElement(By.cssSelector("section.device[data-device='" + device + "']"));
    }

    private static String text(WebDriver page, String device, String css) {
        return card(page, device).findElement(By.cssSelector(css)).getText();
    }

    @Test
    void theDashboardShowsTheSessionLiveAndSendsCommands() throws Exception {
        DeviceProfile ball = new ProfileLoader().builtIn("rollsense-ball");
        Topics topics = new Topics(BASE);
        ReplayTransport replay = new ReplayTransport("C0:FF:EE:00:00:01",
                new TraceReader(ball, "C0:FF:EE:00:00:01").read(Path.of("src/test/resources/traces/speed-burst-1500ms.csv")), 2);
        ManualTransport manual = new ManualTransport(ball, "C0:FF:EE:00:00:02");
        DaemonOptions options = DaemonOptions.of(MqttSettings.of(broker.url(), "bridge-dash", BASE), topics, List.of(
                new Bridge.Device(REPLAYED, ball, ball.thresholds(), replay),
                new Bridge.Device(MANUAL, ball, ball.thresholds(), manual)));
        RollbridgeDaemon bridge = null;

        DashboardFeed feed = new DashboardFeed(broker.url(), topics);
        feed.connect();
        WebDriver page = null;
        try (MqttProbe probe = new MqttProbe(broker.url(), BASE + "/#");
             DashboardServer server = DashboardServer.start(feed, "127.0.0.1", 0, null)) {
            page = Chromium.start();
            page.get(server.url());
            WebDriverWait wait = new WebDriverWait(page, Duration.ofSeconds(15), Duration.ofMillis(20));
            bridge = RollbridgeDaemon.start(options);
            WebDriver p = page;

            // Live values change while the replay runs (16 s of trace at 2x: long enough to see
            // several state updates even when Chromium is slow to start on a busy machine).
            wait.until(d -> !d.findElements(By.cssSelector("section.device[data-device='" + REPLAYED + "']")).isEmpty());
            // Why these numbers: the bridge's reasons, with the published figure behind the speed limit.
            wait.until(d -> card(d, REPLAYED).findElement(By.cssSelector(".reasons-list")).getAttribute("textContent")
                    .contains("rolling speed limit 7.5 cm/s"));
            assertThat(card(page, REPLAYED).findElement(By.cssSelector(".reasons-list")).getAttribute("textContent"))
                    .contains("\"A few inches per second\" taken as 3 in/s").contains("Behm et al., J Strength Cond Res 2020")
                    .contains("pressure ceiling 200 kPa · set by the tool's profile");
            Set<String> speeds = new HashSet<>();
            long until = System.nanoTime() + Duration.ofSeconds(8).toNanos();
            while (System.nanoTime() < until && speeds.size() < 3) {
                speeds.add(text(p, REPLAYED, ".speed-value"));
                Thread.sleep(100);
            }
            assertThat(speeds).as("speeds shown during the replay").hasSizeGreaterThanOrEqualTo(3);
            wait.until(d -> text(p, REPLAYED, ".alerts").contains("speed_too_fast"));

            // A 40 s hold: the ring passes 30 s and the cue indicator fires.
            manual.press(80, 60, 1_000);
            manual.press(120, 0, 40_000);
            wait.until(d -> card(d, MANUAL).findElement(By.cssSelector(".cue-indicator")).getAttribute("class").contains("fired"));
            assertThat(text(p, MANUAL, ".cue-indicator")).contains("30 s");
            wait.until(d -> text(d, MANUAL, ".hold-s").matches("(3[0-9]|4[0-9]) s"));
            // The ring eases towards its value (a CSS transition): wait for it rather than read it mid-way.
            wait.until(d -> Double.parseDouble(card(d, MANUAL).findElement(By.cssSelector(".ring-progress"))
                    .getCssValue("stroke-dashoffset").replace("px", "")) < 314.16 / 2);
            assertThat(text(p, MANUAL, ".phase")).isEqualTo("hold");
            ((org.openqa.selenium.JavascriptExecutor) page).executeScript("window.scrollTo(0, 0)");
            Path shot = Path.of("target", "dashboard.png");
            Files.copy(((TakesScreenshot) page).getScreenshotAs(OutputType.FILE).toPath(), shot, StandardCopyOption.REPLACE_EXISTING);
            assertThat(Files.size(shot)).as("screenshot for review: %s", shot).isGreaterThan(10_000);

            // An alert shows within a second of its MQTT publish.
            manual.press(230, 0, 300);
            MqttProbe.Received published = probe.await("pressure alert", Duration.ofSeconds(5),
                    m -> m.topic().equals(BASE + "/" + MANUAL + "/event") && m.payload().contains("\"pressure_too_high\""));
            wait.until(d -> !card(d, MANUAL).findElements(By.cssSelector("li[data-type='pressure_too_high']")).isEmpty());
            long shownMs = (System.nanoTime() - published.arrivedNanos()) / 1_000_000;
            assertThat(shownMs).as("ms from MQTT publish to the page").isLessThan(1_000);
            assertThat(card(p, MANUAL).findElement(By.cssSelector("li[data-type='pressure_too_high']")).getAttribute("class"))
                    .contains("severity-warning");
            manual.press(120, 0, 2_000);

            // A pressure that does not move by one bit while the ball rolls is a stuck sensor: shown until it reads again.
            manual.press(90, 60, 4_000);
            wait.until(d -> text(d, MANUAL, ".sensor-fault").equals("sensor fault: pressure stuck"));
            assertThat(text(p, MANUAL, ".alerts")).contains("sensor_fault");
            manual.press(110, 0, 1_000);
            wait.until(d -> !card(d, MANUAL).findElement(By.cssSelector(".sensor-fault")).isDisplayed());
            // The hold is long over: its cue caption went with it (it once stayed into the next hold).
            wait.until(d -> text(d, MANUAL, ".cue-indicator").equals("cue at 30 s"));
            // One clock: an alert is stamped with the browser's clock, as the last-seen time is.
            assertThat(card(p, MANUAL).findElement(By.cssSelector("li[data-type='pressure_too_high']")).getText())
                    .matches("\\d{1,2}:\\d{2}:\\d{2}.* · pressure_too_high.*");

            // Buttons publish the right commands.
            new Select(card(p, MANUAL).findElement(By.cssSelector(".pain-level"))).selectByValue("9");
            card(p, MANUAL).findElement(By.cssSelector(".send-pain")).click();
            probe.await("pain command", Duration.ofSeconds(5),
                    m -> m.topic().equals(BASE + "/" + MANUAL + "/set") && m.payload().equals("{\"pain\":9}"));
            card(p, MANUAL).findElement(By.cssSelector("button[data-command='{\"session\":\"start\",\"leg\":\"left\"}']")).click();
            probe.await("session command", Duration.ofSeconds(5),
                    m -> m.topic().equals(BASE + "/" + MANUAL + "/set") && m.payload().equals("{\"session\":\"start\",\"leg\":\"left\"}"));
            wait.until(d -> text(d, MANUAL, ".alerts").contains("reduce_pressure"));
            wait.until(d -> text(d, MANUAL, ".leg").equals("left"));
            manual.press(100, 60, 1_000);
            wait.until(d -> !card(d, MANUAL).findElements(By.cssSelector(".chart polyline")).isEmpty());

            // Availability is obvious: the bridge going offline shows a banner and greys the devices.
            bridge.stop(Duration.ofSeconds(5));
            wait.until(d -> d.findElement(By.id("bridge-banner")).isDisplayed());
            wait.until(d -> card(d, MANUAL).getAttribute("class").contains("offline"));
            assertThat(p.findElement(By.id("bridge-state")).getText()).isEqualTo("bridge offline");
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

    /**
     * The daemon users run (the shipped jar, the unit's JVM flags): its dashboard rides on the
     * daemon's own MQTT connection. The page shows the simulated session and its buttons reach
     * the device; the broker saw one client from the daemon, not a second one for the dashboard.
     */
    @Test
    void theDaemonsDashboardRidesOnTheDaemonsOwnConnection() throws Exception {
        String base = "own";
        String device = "rollsense_c0ffee000001";
        WebDriver page = null;
        // Only what the broker logs from here on: the other test's stand-alone feed is a client too.
        int logBefore = broker.log().length();
        try (MqttProbe probe = new MqttProbe(broker.url(), base + "/#");
             Daemon daemon = Daemon.shipped(Map.of(), "run", "--broker", broker.url(), "--base-topic", base,
                     "--dashboard-port", "0", "--speed", "4", "--no-cue", "--no-ha-discovery")) {
            String line = daemon.awaitLine("dashboard address", Duration.ofSeconds(30), l -> l.startsWith("Dashboard: http://127.0.0.1:"));
            page = Chromium.start();
            page.get(line.substring("Dashboard: ".length()).strip());
            WebDriverWait wait = new WebDriverWait(page, Duration.ofSeconds(30), Duration.ofMillis(50));
            wait.until(d -> !d.findElements(By.cssSelector("section.device[data-device='" + device + "']")).isEmpty());
            Set<String> pressures = new HashSet<>();
            WebDriver p = page;
            wait.until(d -> {
                pressures.add(text(p, device, ".pressure-value"));
                return pressures.size() >= 3;
            });

            new Select(card(p, device).findElement(By.cssSelector(".pain-level"))).selectByValue("2");
            card(p, device).findElement(By.cssSelector(".send-pain")).click();
            probe.await("the page's command", Duration.ofSeconds(10),
                    m -> m.topic().equals(base + "/" + device + "/set") && m.payload().equals("{\"pain\":2}"));
            probe.await("the daemon's answer", Duration.ofSeconds(10),
                    m -> m.topic().equals(base + "/" + device + "/set/response") && m.json().path("ok").asBoolean());
            wait.until(d -> text(d, device, ".alerts").contains("pain_reported"));

            List<String> clients = broker.log().substring(logBefore).lines().filter(l -> l.contains("New client connected"))
                    .map(l -> l.replaceAll(".* as (\\S+) .*", "$1")).filter(id -> id.startsWith("rollbridge-")).toList();
            assertThat(clients).as("the daemon's clients seen by the broker").hasSize(1);
            assertThat(daemon.terminate(Duration.ofSeconds(20))).isZero();
            daemon.assertNoCrash();
        } finally {
            if (page != null) {
                page.quit();
            }
        }
    }
}
