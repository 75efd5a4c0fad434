package dev.rollbridge.dashboard;

import dev.rollbridge.testing.Chromium;
import dev.rollbridge.testing.MqttProbe;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard attacked in a real headless Chromium: a page on another site that posts commands
 * (CSRF), a site that rebinds its own name to 127.0.0.1 to read the dashboard (DNS rebinding), and
 * anyone who can publish to the broker planting script in retained messages (stored XSS).
 */
class DashboardAttackBrowserIT extends WithFakeBridge {
    private static final String BASE = "attack";
    private static final String DEVICE = "dev1";

    DashboardAttackBrowserIT() {
        super(BASE, DEVICE, "", "/session");
    }

    /**
     * Values from MQTT went into innerHTML: a retained session summary whose leg was an img tag
     * with an onerror ran script, which sent commands with the page's rights.
     */
    @Test
    void scriptInRetainedMessagesIsShownAsTextAndNeverRuns() throws Exception {
        String payloadScript = "window.pwned=(window.pwned||0)+1;fetch('/api/command',{method:'POST',headers:{'Content-Type':'application/json'},"
                + "body:JSON.stringify({device:'" + DEVICE + "',command:{symptom:'numbness'}})})";
        String img = "<img src=x onerror=\\\"" + payloadScript + "\\\">";
        retain(BASE + "/" + DEVICE + "/session", "{\"leg\":\"" + img + "\",\"duration_s\":\"<b>60</b>\",\"active_s\":60,\"holds\":1,"
                + "\"holds_met_target\":\"<i>1</i>\",\"mean_pressure_kpa\":80,\"max_pressure_kpa\":90,\"too_fast_s\":0,\"friction_s\":0,"
                + "\"reason\":\"" + img + "\",\"ts\":\"2026-11-30T10:00:00Z\"}");
        retain(BASE + "/" + DEVICE, "{\"pressure_kpa\":\"<svg onload=\\\"" + payloadScript + "\\\">\",\"speed_cm_s\":1,\"phase\":\"<b>hold</b>\","
                + "\"hold_s\":5,\"leg\":\"" + img + "\",\"leg_active_s\":10,\"battery\":\"<img src=y onerror=alert(1)>\",\"t_ms\":1000}");
        // The numbers' reasons too: markup in a reason, a reference and who set a number.
        retain(BASE + "/bridge/info", "{\"devices\":[{\"id\":\"" + DEVICE + "\",\"profile\":\"rollsense-ball\",\"thresholds\":"
                + "{\"speed_limit_cm_s\":7.5,\"hold_target_ms\":30000},\"threshold_set_by\":{\"speed_limit_cm_s\":\"" + img + "\","
                + "\"hold_target_ms\":\"__proto__\"}}],\"threshold_reasons\":{\"speed_limit_cm_s\":{\"rule\":\"x\",\"reason\":\"" + img
                + "\",\"reference\":\"" + img + "\"},\"hold_target_ms\":{\"reason\":{\"toString\":\"" + img + "\"}},"
                + "\"__proto__\":{\"reason\":\"" + img + "\"}}}");
        try (DashboardServer server = DashboardServer.start(feed, "127.0.0.1", 0, null);
             MqttProbe probe = new MqttProbe(broker.url(), BASE + "/+/set")) {
            page = Chromium.start();
            page.get(server.url());
            WebDriverWait wait = new WebDriverWait(page, Duration.ofSeconds(15), Duration.ofMillis(50));
            wait.until(d -> !d.findElements(By.cssSelector("section.device[data-device='" + DEVICE + "'] .summary td")).isEmpty());
            // Live events too: a message, type, id and severity made to break out of their places.
            bridge.publish(BASE + "/" + DEVICE + "/event", ("{\"id\":\"x\\\"] , img[src=x\",\"type\":\"hold_ended\",\"severity\":\"info\\\" onclick=\\\"x\","
                    + "\"state\":\"instant\",\"t_ms\":2000,\"message\":\"" + img + "\",\"data\":{}}").getBytes(StandardCharsets.UTF_8), 1, false);
            bridge.publish(BASE + "/" + DEVICE + "/event", ("{\"id\":\"e2\",\"type\":\"x\\\" onmouseover=\\\"alert(1)\",\"severity\":\"warning\","
                    + "\"state\":\"instant\",\"t_ms\":2000,\"message\":\"m\",\"data\":{}}").getBytes(StandardCharsets.UTF_8), 1, false);
            WebElement card = page.findElement(By.cssSelector("section.device[data-device='" + DEVICE + "']"));
            wait.until(d -> card.findElement(By.cssSelector(".alerts")).getText().contains("<img src=x onerror="));
            Thread.sleep(1_000); // time for any script that was going to run

            Object pwned = ((JavascriptExecutor) page).executeScript("return window.pwned === undefined ? null : window.pwned;");
            assertThat(pwned).as("script from MQTT ran").isNull();
            assertThat(page.findElements(By.cssSelector("img, [onerror], [onload], [onclick], [onmouseover]"))).as("elements planted by MQTT values").isEmpty();
            assertThat(card.findElement(By.cssSelector(".summary")).getText()).contains("<img src=x onerror=").contains("–");
            assertThat(card.findElement(By.cssSelector(".leg")).getText()).startsWith("<img");
            String reasons = card.findElement(By.cssSelector(".reasons-list")).getAttribute("textContent");
            assertThat(reasons).as("a reason and its reference as text").contains("rolling speed limit 7.5 cm/s: <img src=x onerror=")
                    .contains("(<img src=x onerror=").doesNotContain("set by <img").doesNotContain("set by undefined");
            assertThat(card.findElement(By.cssSelector(".phase")).getText()).as("an unknown phase").isEqualTo("idle");
            assertThat(card.findElement(By.cssSelector(".alerts")).getText()).doesNotContain("onmouseover");
            assertThat(card.findElements(By.cssSelector("li.alert")).get(0).getAttribute("class")).isEqualTo("alert severity-info state-instant");
            assertThat(probe.messages()).as("commands sent by planted script").isEmpty();
        }
    }

    /**
     * A tool that measures a load and no motion (issue 18): its card has no speed and says which
     * rules are off and why; a ceiling that waits for a calibration is shown as none. What
     * bridge/info says is text: a reason with markup in it stays text, a rule the page does not
     * know is left out.
     */
    @Test
    void aToolsCapabilitiesShapeItsCardAndWhatIsOffIsShownAsText() throws Exception {
        retain(BASE + "/bridge/info", "{\"devices\":[{\"id\":\"" + DEVICE + "\",\"profile\":\"oriori-ball\",\"capabilities\":[\"pressure\",\"<b>x</b>\"],"
                + "\"thresholds\":{\"speed_limit_cm_s\":7.5,\"pressure_ceiling_kpa\":null},"
                + "\"rules_off\":{\"speed\":\"<img src=x onerror=alert(1)> no motion sensor\",\"pressure\":\"calibrate (pain 3, 5 and 7)\","
                + "\"__proto__\":\"x\",\"made_up\":\"y\"}}]}");
        retain(BASE + "/" + DEVICE, "{\"pressure_kpa\":30,\"speed_cm_s\":0,\"phase\":\"hold\",\"hold_s\":5,\"leg\":null,\"leg_active_s\":10,"
                + "\"battery\":80,\"t_ms\":1000,\"ceiling_kpa\":null}");
        try (DashboardServer server = DashboardServer.start(feed, "127.0.0.1", 0, null)) {
            page = Chromium.start();
            page.get(server.url());
            WebDriverWait wait = new WebDriverWait(page, Duration.ofSeconds(15), Duration.ofMillis(50));
            By card = By.cssSelector("section.device[data-device='" + DEVICE + "']");
            wait.until(d -> !d.findElements(card).isEmpty() && d.findElement(card).findElement(By.cssSelector(".name")).getText().contains("oriori-ball")
                    && d.findElement(card).findElement(By.cssSelector(".pressure-value")).getText().startsWith("30.0"));
            WebElement el = page.findElement(card);
            wait.until(d -> el.findElement(By.cssSelector(".rules-off")).isDisplayed());
            List<WebElement> off = el.findElements(By.cssSelector(".rules-off li"));
            assertThat(off).extracting(WebElement::getText).containsExactly(
                    "rolling speed off: <img src=x onerror=alert(1)> no motion sensor", "pressure ceiling off: calibrate (pain 3, 5 and 7)");
            assertThat(el.findElements(By.cssSelector(".speed-row"))).as("no speed without a motion sensor").allSatisfy(r -> assertThat(r.isDisplayed()).isFalse());
            assertThat(el.findElement(By.cssSelector(".pressure-panel")).isDisplayed()).isTrue();
            assertThat(el.findElement(By.cssSelector(".ceiling-value")).getText()).isEqualTo("none yet: calibrate");
            assertThat(el.findElement(By.cssSelector(".gauge .ceiling")).isDisplayed()).isFalse();
            assertThat(el.findElement(By.cssSelector(".calibration")).isDisplayed()).as("a load can be calibrated").isTrue();
            assertThat(page.findElements(By.cssSelector("img, [onerror]"))).as("elements planted by bridge/info").isEmpty();
        }
    }

    /**
     * Not an attack: the chart drawn from a bridge's messages says what it shows (issue 19): axes
     * with units, the ceiling and the calibrated band, a hold shaded with its length, an alert as a
     * point with its type and time in a tooltip.
     */
    @Test
    void theChartHasAxesTheCeilingTheBandAndEachHoldsLength() throws Exception {
        try (DashboardServer server = DashboardServer.start(feed, "127.0.0.1", 0, null)) {
            page = Chromium.start();
            page.get(server.url());
            WebDriverWait wait = new WebDriverWait(page, Duration.ofSeconds(15), Duration.ofMillis(50));
            By card = By.cssSelector("section.device[data-device='" + DEVICE + "']");
            wait.until(d -> d.findElement(By.id("bridge-state")).getText().contains("online"));
            bridge.publish(BASE + "/" + DEVICE + "/event", ("{\"id\":\"s1\",\"type\":\"session_started\",\"severity\":\"info\",\"state\":\"instant\","
                    + "\"t_ms\":0,\"ts\":\"2026-12-01T10:00:00Z\",\"message\":\"Session started on the left leg.\",\"data\":{}}").getBytes(StandardCharsets.UTF_8), 1, false);
            for (int s = 0; s <= 60; s++) {
                double kpa = s < 5 ? 40 : s < 47 ? 110 : s < 50 ? 215 : 60;
                String state = "{\"pressure_kpa\":" + kpa + ",\"speed_cm_s\":0,\"phase\":\"" + (s >= 5 && s < 47 ? "hold" : "rolling")
                        + "\",\"hold_s\":0,\"leg\":\"left\",\"leg_active_s\":" + s + ",\"battery\":80,\"t_ms\":" + s * 1000
                        + ",\"ceiling_kpa\":200,\"band_low_kpa\":90,\"band_high_kpa\":130}";
                bridge.publish(BASE + "/" + DEVICE, state.getBytes(StandardCharsets.UTF_8), 0, false);
                if (s == 5 || s == 47 || s == 48) {
                    String type = s == 5 ? "hold_started" : s == 47 ? "hold_ended" : "pressure_too_high";
                    String severity = s == 48 ? "warning" : "info";
                    String message = s == 5 ? "Hold started: keep steady pressure for 30 to 60 s."
                            : s == 47 ? "Hold ended after 42 s (target met)." : "Pressure 215 kPa is over the 200 kPa ceiling: ease off.";
                    bridge.publish(BASE + "/" + DEVICE + "/event", ("{\"id\":\"e" + s + "\",\"type\":\"" + type + "\",\"severity\":\"" + severity
                            + "\",\"state\":\"" + (s == 48 ? "raised" : "instant") + "\",\"t_ms\":" + s * 1000 + ",\"ts\":\"2026-12-01T10:00:"
                            + String.format("%02d", s) + "Z\",\"message\":\"" + message + "\",\"data\":{}}").getBytes(StandardCharsets.UTF_8), 1, false);
                }
                Thread.sleep(20);
            }
            wait.until(d -> !d.findElements(card).isEmpty());
            WebElement chart = page.findElement(card).findElement(By.cssSelector(".chart"));
            // The feed sends a device's latest state at most twice a second: the chart has what it was sent.
            try {
                wait.until(d -> chart.findElements(By.cssSelector("circle.mark-warning")).size() == 1
                        && !chart.findElements(By.cssSelector("text.hold-length")).isEmpty());
            } catch (org.openqa.selenium.TimeoutException e) {
                throw new AssertionError("page: " + ((JavascriptExecutor) page).executeScript(
                        "const d = devices.get(arguments[0]); return JSON.stringify({series: d.series, marks: d.marks});", DEVICE), e);
            }
            List<String> axis = chart.findElements(By.cssSelector("text.axis")).stream().map(WebElement::getText).toList();
            assertThat(axis).as("%s", axis).contains("kPa", "0:00").anyMatch(t -> t.matches("0:[1-5][0-9]|1:00"));
            assertThat(chart.findElements(By.cssSelector("text.hold-length"))).extracting(WebElement::getText).containsExactly("42 s");
            assertThat(chart.findElements(By.cssSelector("line.ceiling"))).hasSize(1);
            assertThat(chart.findElements(By.cssSelector("rect.band"))).hasSize(1);
            List<WebElement> points = chart.findElements(By.cssSelector("circle.mark-warning"));
            assertThat(points).hasSize(1);
            assertThat(points.get(0).findElement(By.tagName("title")).getAttribute("textContent")).startsWith("pressure_too_high (raised) at ");
            // The point sits on the pressure line where the alert came: higher than the ceiling line.
            double ceilingY = Double.parseDouble(chart.findElement(By.cssSelector("line.ceiling")).getAttribute("y1"));
            assertThat(Double.parseDouble(points.get(0).getAttribute("cy"))).isLessThan(ceilingY);
            // The README's screenshot: a card with a minute of data on it.
            ((JavascriptExecutor) page).executeScript("arguments[0].scrollIntoView()", page.findElement(card));
            Path shot = Path.of("target", "dashboard-chart.png");
            Files.copy(((TakesScreenshot) page).getScreenshotAs(OutputType.FILE).toPath(), shot, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * A page on another site could post a command to the dashboard (a no-cors fetch with
     * text/plain, or a form): one forged {"calibrate":"start"} switched the pressure ceiling off.
     */
    @Test
    void anotherSitesPageCannotSendACommand() throws Exception {
        try (DashboardServer server = DashboardServer.start(feed, "127.0.0.1", 0, null);
             MqttProbe probe = new MqttProbe(broker.url(), BASE + "/+/set")) {
            String target = server.url() + "api/command";
            String body = "{\"device\":\"" + DEVICE + "\",\"command\":{\"calibrate\":\"start\"}}";
            String attack = "<!doctype html><title>cute cats</title><pre id=out></pre>"
                    + "<form id=f method=post enctype=text/plain action='" + target + "' target=sink>"
                    + "<input name='{\"device\":\"" + DEVICE + "\",\"command\":{\"calibrate\":\"start\"},\"x\":\"' value='\"}'></form>"
                    + "<iframe name=sink></iframe><script>"
                    + "const out=document.getElementById('out');const log=t=>out.textContent+=t+'\\n';"
                    + "const body='" + body + "';"
                    + "fetch('" + target + "',{method:'POST',mode:'no-cors',headers:{'Content-Type':'text/plain'},body}).then(()=>log('no-cors sent'),e=>log('no-cors '+e));"
                    + "fetch('" + target + "',{method:'POST',headers:{'Content-Type':'application/json'},body}).then(r=>log('cors '+r.status),e=>log('cors blocked'));"
                    + "document.getElementById('f').submit();log('form sent');"
                    + "</script>";
            try (AttackSite site = new AttackSite(0, attack)) {
                page = Chromium.start();
                page.get("http://localhost:" + site.port() + "/");
                WebDriverWait wait = new WebDriverWait(page, Duration.ofSeconds(15), Duration.ofMillis(50));
                wait.until(d -> {
                    String log = d.findElement(By.id("out")).getText();
                    return log.contains("no-cors") && log.contains("cors ") && log.contains("form sent");
                });
                Thread.sleep(1_500);
                assertThat(page.findElement(By.id("out")).getText()).contains("cors blocked");
            }
            assertThat(probe.messages()).as("commands from another site's page").isEmpty();
            assertThat(server.refusedCount()).as("the forged posts reached the dashboard and were refused").isGreaterThanOrEqualTo(2);
        }
    }

    /**
     * A site that answers with its own page and then points its name at 127.0.0.1 makes the
     * browser treat the dashboard as part of that site: it could read the config and the event
     * stream and send commands. The dashboard answers only to its own names.
     */
    @Test
    void aSiteThatRebindsItsNameTo127001GetsNothing() throws Exception {
        int port;
        try (ServerSocket probePort = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probePort.getLocalPort();
        }
        String attack = "<!doctype html><title>rebind</title><pre id=out></pre><script>"
                + "const out=document.getElementById('out');const log=t=>out.textContent+=t+'\\n';"
                + "async function go(){"
                + "  let key='';"
                + "  try{const r=await fetch('/api/config',{cache:'no-store'});const t=await r.text();log('config '+r.status+' '+t);"
                + "      try{key=JSON.parse(t).csrf||''}catch(e){}}catch(e){log('config error')}"
                + "  try{const r=await fetch('/events',{cache:'no-store'});log('events '+r.status)}catch(e){log('events error')}"
                + "  try{const r=await fetch('/api/command',{method:'POST',headers:{'Content-Type':'application/json','X-Rollbridge-Csrf':key},"
                + "      body:JSON.stringify({device:'" + DEVICE + "',command:{calibrate:'start'}})});log('command '+r.status)}catch(e){log('command error')}"
                + "  log('done')}"
                + "window.addEventListener('message',go);"
                + "</script>";
        try (MqttProbe probe = new MqttProbe(broker.url(), BASE + "/+/set")) {
            page = Chromium.start("--host-resolver-rules=MAP evil.test 127.0.0.1");
            try (AttackSite site = new AttackSite(port, attack)) {
                page.get("http://evil.test:" + port + "/");
                assertThat(page.getTitle()).isEqualTo("rebind");
            }
            // The name now leads to the dashboard, on the same port: same origin, as far as the browser knows.
            try (DashboardServer server = DashboardServer.start(feed, new DashboardServer.Options("127.0.0.1", port, Optional.empty(), List.of()))) {
                assertThat(server.port()).isEqualTo(port);
                ((JavascriptExecutor) page).executeScript("window.postMessage('go', '*');");
                WebDriverWait wait = new WebDriverWait(page, Duration.ofSeconds(15), Duration.ofMillis(50));
                wait.until(d -> d.findElement(By.id("out")).getText().contains("done"));
                String log = page.findElement(By.id("out")).getText();
                assertThat(log).contains("config 421").contains("events 421").contains("command 421").doesNotContain("csrf");
            }
            Thread.sleep(500);
            assertThat(probe.messages()).as("commands through a rebound name").isEmpty();
        }
    }

    /** A web site of the attacker's: answers every request with one page, then closes the connection. */
    private static final class AttackSite implements AutoCloseable {
        private final ServerSocket socket;
        private final Thread thread;

        AttackSite(int port, String html) throws IOException {
            socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            byte[] body = html.getBytes(StandardCharsets.UTF_8);
            thread = new Thread(() -> {
                while (!socket.isClosed()) {
                    try (Socket c = socket.accept()) {
                        c.setSoTimeout(2_000);
                        InputStream in = c.getInputStream();
                        // Read the request head; the page needs nothing from it.
                        int matched = 0;
                        while (matched < 4) {
                            int b = in.read();
                            if (b == -1) {
                                break;
                            }
                            matched = (b == '\r' || b == '\n') ? matched + 1 : 0;
                        }
                        c.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nCache-Control: no-store\r\n"
                                + "Connection: close\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                        c.getOutputStream().write(body);
                    } catch (IOException e) {
                        // closed, or a client that went away
                    }
                }
            }, "attack-site");
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws Exception {
            socket.close();
            thread.join(2_000);
        }
    }
}
